package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the local broker's files are, relative to the repository root {@code home}:
 * the configuration templates in {@code broker-config/local}, the jars in
 * {@code broker-config/target/kafka-lib}, and everything the broker writes under {@code var/kafka}.
 */
public record BrokerLayout(Path home) {

    public BrokerLayout {
        home = home.toAbsolutePath().normalize();
    }

    public Path templateDir() {
        return home.resolve("broker-config").resolve("local");
    }

    public Path serverTemplate() {
        return templateDir().resolve("server.properties");
    }

    public Path log4jConfig() {
        return templateDir().resolve("log4j2.xml");
    }

    public Path kafkaLib() {
        return home.resolve("broker-config").resolve("target").resolve("kafka-lib");
    }

    public Path dataDir() {
        return home.resolve("var").resolve("kafka");
    }

    /** The broker's log.dirs: partitions and the KRaft metadata log. */
    public Path logDirs() {
        return dataDir().resolve("data");
    }

    /** Where log4j writes server.log (the kafka.logs.dir system property). */
    public Path logsDir() {
        return dataDir().resolve("logs");
    }

    public Path renderedConfig() {
        return dataDir().resolve("server.properties");
    }

    public Path pidFile() {
        return dataDir().resolve("broker.pid");
    }

    /** The broker's stdout and stderr, and the output of the storage format step. */
    public Path brokerLog() {
        return dataDir().resolve("broker.log");
    }

    public boolean isFormatted() {
        return Files.exists(logDirs().resolve("meta.properties"));
    }

    /** @throws BrokerException if the broker jars have not been built */
    public void requireKafkaLib() {
        Path lib = kafkaLib();
        if (!containsKafkaJar(lib)) {
            throw new BrokerException("Kafka broker jars not found in " + lib
                    + "; build them with `mvn -B -DskipTests package` in " + home);
        }
    }

    /** @throws BrokerException if a configuration file the broker needs is missing */
    public void requireTemplates() {
        for (Path file : new Path[] {serverTemplate(), log4jConfig()}) {
            if (!Files.isRegularFile(file)) {
                throw new BrokerException("Broker configuration file not found: " + file
                        + " (is " + home + " the swmr-facade repository root?)");
            }
        }
    }

    private static boolean containsKafkaJar(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "kafka_2.13-*.jar")) {
            return jars.iterator().hasNext();
        } catch (IOException e) {
            throw new BrokerException("Cannot list " + dir + ": " + e, e);
        }
    }
}
