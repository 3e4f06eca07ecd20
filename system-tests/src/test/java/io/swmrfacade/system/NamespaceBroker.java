package io.swmrfacade.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;

/**
 * A single-node KRaft broker (Kafka's own {@code kafka.Kafka}, from the test classpath) on a
 * {@link NetworkHosts} host: it binds its listeners to the host's own address, not 127.0.0.1 or
 * 0.0.0.0, and advertises that address, so clients on other hosts reach it by the address its
 * metadata gives them. docs/DEPLOYMENT.md walks through these settings.
 */
final class NamespaceBroker implements AutoCloseable {

    static final int PORT = 9092;
    static final int CONTROLLER_PORT = 9093;

    private final NetworkHosts hosts;
    private final String host;
    private final Path dir;
    private final Path config;
    private Process process;

    NamespaceBroker(NetworkHosts hosts, String host, Path dir) throws IOException {
        this.hosts = hosts;
        this.host = host;
        this.dir = dir;
        String address = hosts.address(host);
        this.config = dir.resolve("server.properties");
        Files.createDirectories(dir);
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + address + ":" + CONTROLLER_PORT,
                // Bind to the host's own address and advertise the same: what other hosts connect to.
                "listeners=PLAINTEXT://" + address + ":" + PORT + ",CONTROLLER://" + address + ":" + CONTROLLER_PORT,
                "advertised.listeners=PLAINTEXT://" + address + ":" + PORT,
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

    String bootstrap() {
        return hosts.address(host) + ":" + PORT;
    }

    Path log() {
        return dir.resolve("broker.log");
    }

    /** Formats the storage, starts the broker on its host and waits until its listener accepts connections there. */
    void start() throws IOException, InterruptedException {
        Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "--cluster-id",
                Uuid.randomUuid().toString(), "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log().toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("formatting the broker's storage failed; see " + log());
        }
        List<String> cmd = new ArrayList<>(hosts.exec(host));
        cmd.addAll(java("kafka.Kafka", config.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        String probe = "exec 3<>/dev/tcp/" + hosts.address(host) + "/" + PORT;
        Awaitility.await("broker listening on " + bootstrap() + " (log " + log() + ")").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IOException("the broker exited with " + process.exitValue() + "; see " + log());
                    }
                    return hosts.tryRun(host, "bash", "-c", probe).exitCode() == 0;
                });
    }

    private static List<String> java(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** SIGKILL: `ip netns exec` execs the JVM, so this pid is the broker's own. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
