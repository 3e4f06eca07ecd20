package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where one broker's files are, relative to the repository root {@code home}: its
 * server.properties template (in {@code broker-config/local} or {@code broker-config/cluster-3}),
 * the logging configuration in {@code broker-config/local}, the jars in
 * {@code broker-config/target/kafka-lib}, and everything the broker writes under {@code dataDir}.
 */
public record BrokerLayout(Path home, Path serverTemplate, Path dataDir) {

    public BrokerLayout {
        home = home.toAbsolutePath().normalize();
        serverTemplate = serverTemplate.toAbsolutePath().normalize();
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** The single local broker: {@code broker-config/local/server.properties}, data in {@code var/kafka}. */
    public static BrokerLayout local(Path home) {
        Path root = home.toAbsolutePath().normalize();
        return new BrokerLayout(root, root.resolve("broker-config").resolve("local").resolve("server.properties"),
                root.resolve("var").resolve("kafka"));
    }

    /** Node {@code node} of a local cluster: its template in {@code broker-config/cluster-3}, data in {@code clusterDir/node-<node>}. */
    public static BrokerLayout clusterNode(Path home, Path clusterDir, int node) {
        Path root = home.toAbsolutePath().normalize();
        return new BrokerLayout(root, root.resolve("broker-config").resolve("cluster-3").resolve("server-" + node + ".properties"),
                clusterDir.resolve("node-" + node));
    }

    /**
     * A secure broker's files in {@code dataDir}: it has no template, its server.properties is
     * written whole by {@link SecureServerConfig}.
     */
    public static BrokerLayout secure(Path home, Path dataDir) {
        return new BrokerLayout(home, dataDir.resolve("server.properties"), dataDir);
    }

    public Path log4jConfig() {
        return home.resolve("broker-config").resolve("local").resolve("log4j2.xml");
    }

    public Path kafkaLib() {
        return home.resolve("broker-config").resolve("target").resolve("kafka-lib");
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

    /**
     * Creates the logs and data folders and removes the previous run's broker.log, so that its
     * tail on a failed start is about this start.
     *
     * @throws BrokerException naming the data folder if that cannot be done
     */
    public void prepareFolders() {
        try {
            Files.createDirectories(logsDir());
            Files.createDirectories(logDirs());
            Files.deleteIfExists(brokerLog());
        } catch (IOException e) {
            throw new BrokerException("Cannot prepare " + dataDir() + ": " + e, e);
        }
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
