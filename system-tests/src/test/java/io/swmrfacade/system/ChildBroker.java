package io.swmrfacade.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * The files and commands of a single-node KRaft broker (Kafka's own {@code kafka.Kafka}, from the
 * test classpath) in a child JVM: its server.properties, the formatting of its storage, and the
 * command that runs it. {@link ClientTestBroker} runs one on 127.0.0.1, {@link NamespaceBroker}
 * on a host of its own.
 */
final class ChildBroker {

    private ChildBroker() {
    }

    /**
     * Writes {@code dir/server.properties} for a combined broker and controller that binds its
     * listeners to {@code address} (client {@code port}, controller {@code controllerPort}) and
     * advertises the same address: what clients connect to. Internal topics have one replica;
     * topics are never created on their own. Returns its path.
     */
    static Path writeConfig(Path dir, String address, int port, int controllerPort) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + address + ":" + controllerPort,
                "listeners=PLAINTEXT://" + address + ":" + port + ",CONTROLLER://" + address + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + address + ":" + port,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=1000",
                ""));
    }

    /**
     * Formats the storage {@code config} names with a new cluster id, its output in {@code log};
     * waits at most 60 s.
     *
     * @throws IOException if formatting fails or takes longer
     */
    static void format(Path config, Path log) throws IOException, InterruptedException {
        Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "--cluster-id",
                Uuid.randomUuid().toString(), "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("formatting the broker's storage (" + config + ") failed; see " + log);
        }
    }

    /** The command that runs {@code main} with {@code args} from the test classpath, in a JVM of its own. */
    static List<String> java(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
