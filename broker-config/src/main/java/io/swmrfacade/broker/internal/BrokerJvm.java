package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * Runs Kafka's own entry points in child JVMs on the classpath {@code kafka-lib/*}: the storage
 * format tool, and the broker itself as a detached process that outlives the launching JVM.
 */
public final class BrokerJvm {

    static final String STORAGE_TOOL_MAIN_CLASS = "kafka.tools.StorageTool";
    private static final int LOG_TAIL_LINES = 20;
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final BrokerLayout layout;

    public BrokerJvm(BrokerLayout layout) {
        this.layout = layout;
    }

    /**
     * Formats {@code log.dirs} with a new random cluster id, appending the tool's output to
     * broker.log. Blocks until the tool exits or the deadline passes.
     *
     * @throws BrokerException if the tool fails or does not finish in time
     */
    public void formatStorage(Deadline deadline) {
        formatStorage(Uuid.randomUuid().toString(), deadline);
    }

    /**
     * Formats {@code log.dirs} with {@code clusterId}: every node of one cluster must share it.
     *
     * @throws BrokerException if the tool fails or does not finish in time
     */
    public void formatStorage(String clusterId, Deadline deadline) {
        formatStorage(clusterId, List.of(), deadline);
    }

    /**
     * Formats {@code log.dirs} with {@code clusterId} and the storage tool's further
     * {@code arguments} (such as {@code --add-scram}, for users that must exist at the first start).
     *
     * @throws BrokerException if the tool fails or does not finish in time
     */
    public void formatStorage(String clusterId, List<String> arguments, Deadline deadline) {
        List<String> command = javaCommand(List.of());
        command.addAll(List.of(STORAGE_TOOL_MAIN_CLASS, "format",
                "--cluster-id", clusterId, "--config", layout.renderedConfig().toString()));
        command.addAll(arguments);
        Process tool = launch(command);
        try {
            if (!tool.waitFor(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
                tool.destroyForcibly();
                throw new BrokerException("Formatting " + layout.logDirs() + " did not finish in time; see "
                        + layout.brokerLog());
            }
        } catch (InterruptedException e) {
            tool.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while formatting " + layout.logDirs(), e);
        }
        if (tool.exitValue() != 0) {
            throw new BrokerException("Formatting " + layout.logDirs() + " failed (exit code " + tool.exitValue()
                    + "); last lines of " + layout.brokerLog() + ":\n" + brokerLogTail());
        }
    }

    /**
     * Starts {@code kafka.Kafka} on the rendered configuration and returns at once. The process
     * has no pipe to this JVM (stdin from /dev/null, output to broker.log) and, where
     * {@code setsid} exists, its own session, so neither this JVM's exit nor a Ctrl-C in its
     * terminal stops the broker.
     */
    public ProcessHandle startBroker() {
        List<String> command = javaCommand(List.of("-Xms256m", "-Xmx1g",
                "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true"));
        command.addAll(List.of(PidFile.KAFKA_MAIN_CLASS, layout.renderedConfig().toString()));
        if (Files.isExecutable(SETSID)) {
            // Without --fork, setsid execs in place: the pid we record is the broker JVM's.
            command.add(0, SETSID.toString());
        }
        return launch(command).toHandle();
    }

    /** The last lines of broker.log, for error messages. */
    public String brokerLogTail() {
        Path log = layout.brokerLog();
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlog4j2.configurationFile=" + layout.log4jConfig());
        command.add("-Dkafka.logs.dir=" + layout.logsDir());
        // Log4j's own shutdown hook would stop logging while Kafka's hook still reports its shutdown.
        command.add("-Dlog4j2.shutdownHookEnabled=false");
        command.add("-cp");
        command.add(layout.kafkaLib() + File.separator + "*");
        return command;
    }

    private Process launch(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(layout.dataDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.brokerLog().toFile()));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new BrokerException("Cannot run " + String.join(" ", command) + ": " + e, e);
        }
    }
}
