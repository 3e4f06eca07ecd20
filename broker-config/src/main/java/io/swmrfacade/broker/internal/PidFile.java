package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The pid of the broker started from a given configuration file, shared between the JVMs that
 * start, query and stop it (the `sf` CLI, the demo). A recorded pid counts only while it belongs
 * to a live {@code kafka.Kafka} process running that configuration, so a stale file left by a
 * crash, or a pid reused by an unrelated process, is never mistaken for the broker.
 */
public final class PidFile {

    /** The broker's main class, as it appears on its command line. */
    public static final String KAFKA_MAIN_CLASS = "kafka.Kafka";

    private final Path file;
    private final Path config;

    public PidFile(Path file, Path config) {
        this.file = file;
        this.config = config;
    }

    public Path path() {
        return file;
    }

    /** The running broker this file records, if any. Never blocks on the process. */
    public Optional<ProcessHandle> liveBroker() {
        return readPid().flatMap(ProcessHandle::of).filter(this::isBroker);
    }

    /** Whether {@code process} is alive and runs {@code kafka.Kafka} with this file's configuration. */
    public boolean isBroker(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        ProcessHandle.Info info = process.info();
        String configPath = config.toString();
        Optional<String[]> arguments = info.arguments();
        if (arguments.isPresent()) {
            List<String> args = List.of(arguments.get());
            return args.contains(KAFKA_MAIN_CLASS) && args.contains(configPath);
        }
        return info.commandLine()
                .map(line -> line.contains(KAFKA_MAIN_CLASS) && line.contains(configPath))
                .orElse(false);
    }

    public void write(long pid) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BrokerException("Cannot write pid file " + file + ": " + e, e);
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new BrokerException("Cannot delete pid file " + file + ": " + e, e);
        }
    }

    private Optional<Long> readPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NumberFormatException e) {
            // A torn or hand-edited file: treat as no broker, start() will overwrite it.
            return Optional.empty();
        } catch (IOException e) {
            throw new BrokerException("Cannot read pid file " + file + ": " + e, e);
        }
    }
}
