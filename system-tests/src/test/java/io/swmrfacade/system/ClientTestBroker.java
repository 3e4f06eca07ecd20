package io.swmrfacade.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;

/**
 * A real single-node KRaft broker in a child JVM (Kafka's own {@code kafka.Kafka}, from the test
 * classpath) on free ports, that a test can stop and start again: the shared in-JVM cluster
 * cannot be stopped under a running facade. Its storage lives in {@code dir} and survives restarts.
 */
final class ClientTestBroker implements AutoCloseable {

    private final Path dir;
    private final Path config;
    private final int port;
    private Process process;

    /** Writes the configuration; does not start the broker (nothing listens on its port yet). */
    ClientTestBroker(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.config = ChildBroker.writeConfig(dir, "127.0.0.1", port, freePort());
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (formatting its storage the first time) and waits until it answers. */
    void start() throws IOException, InterruptedException {
        if (!Files.exists(dir.resolve("data"))) {
            ChildBroker.format(config, log());
        }
        process = new ProcessBuilder(ChildBroker.java("kafka.Kafka", config.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            Awaitility.await("broker at " + bootstrap() + " ready (log " + log() + ")").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
        }
    }

    /** SIGKILL: the broker is gone at once, with no controlled shutdown. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    Path log() {
        return dir.resolve("broker.log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
