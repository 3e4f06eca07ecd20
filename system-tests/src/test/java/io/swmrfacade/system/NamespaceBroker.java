package io.swmrfacade.system;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        // Bound to the host's own address and advertising the same: what other hosts connect to.
        this.config = ChildBroker.writeConfig(dir, hosts.address(host), PORT, CONTROLLER_PORT);
    }

    String bootstrap() {
        return hosts.address(host) + ":" + PORT;
    }

    Path log() {
        return dir.resolve("broker.log");
    }

    /** Formats the storage, starts the broker on its host and waits until its listener accepts connections there. */
    void start() throws IOException, InterruptedException {
        ChildBroker.format(config, log());
        List<String> cmd = new ArrayList<>(hosts.exec(host));
        cmd.addAll(ChildBroker.java("kafka.Kafka", config.toString()));
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

    /** SIGKILL: `ip netns exec` execs the JVM, so this pid is the broker's own. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
