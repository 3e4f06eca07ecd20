package io.swmrfacade.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a repository-like home for LocalBroker in a temporary directory. */
final class TestHomes {

    private TestHomes() {
    }

    /** This module's directory in the source tree, as passed by surefire and failsafe. */
    static Path moduleDir() {
        return Path.of(System.getProperty("broker.config.dir", "."));
    }

    /** Copies this module's {@code local/} configuration into {@code home/broker-config/local}. */
    static Path withLocalConfig(Path home) throws IOException {
        Path target = Files.createDirectories(home.resolve("broker-config").resolve("local"));
        try (var files = Files.list(moduleDir().resolve("local"))) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return home;
    }

    /** Points {@code home/broker-config/target/kafka-lib} at {@code kafkaLib}. */
    static Path withKafkaLib(Path home, Path kafkaLib) throws IOException {
        Path target = Files.createDirectories(home.resolve("broker-config").resolve("target"));
        Files.createSymbolicLink(target.resolve("kafka-lib"), kafkaLib.toAbsolutePath());
        return home;
    }
}
