package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/** Waits until a broker accepts connections and answers {@code describeCluster} with at least one node. */
public final class ReadinessProbe {

    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PAUSE = Duration.ofMillis(100);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private ReadinessProbe() {
    }

    /**
     * Blocks until the broker at {@code bootstrap} is ready, {@code process} exits or the
     * deadline passes.
     *
     * @return true once the broker is ready, false if {@code process} exited first
     * @throws BrokerException if the deadline passes first, or the thread is interrupted
     */
    public static boolean await(String bootstrap, ProcessHandle process, Deadline deadline) {
        return await(bootstrap, Map.of(), process, deadline, nodes -> !nodes.isEmpty());
    }

    /**
     * Blocks until the broker at {@code bootstrap} answers {@code describeCluster} with a list
     * that holds {@code nodeId}: a KRaft broker is listed only once the controller has unfenced
     * it, that is once it has caught up with the metadata log and can lead partitions. Asks with
     * the Kafka client settings {@code login} (security.protocol, sasl.*, ssl.*; empty on a
     * plaintext broker) of a user allowed to describe the cluster.
     *
     * @return true once the node is ready, false if {@code process} exited first
     * @throws BrokerException if the deadline passes first, or the thread is interrupted
     */
    public static boolean awaitNode(String bootstrap, Map<String, Object> login, int nodeId, ProcessHandle process,
            Deadline deadline) {
        return await(bootstrap, login, process, deadline, nodes -> nodes.stream().anyMatch(node -> node.id() == nodeId));
    }

    private static boolean await(String bootstrap, Map<String, Object> login, ProcessHandle process, Deadline deadline,
            Predicate<Collection<Node>> ready) {
        try {
            // An Admin client logs a WARN per refused connection: wait for the port in silence first.
            return awaitPort(bootstrap, process, deadline) && awaitCluster(bootstrap, login, process, deadline, ready);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the broker at " + bootstrap, e);
        }
    }

    private static boolean awaitCluster(String bootstrap, Map<String, Object> login, ProcessHandle process, Deadline deadline,
            Predicate<Collection<Node>> ready) throws InterruptedException {
        Map<String, Object> settings = new HashMap<>(login);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "swmr-facade-local-broker-probe");
        // Retry quickly: the broker is expected within seconds.
        settings.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        settings.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 250);
        Admin admin = Admin.create(settings);
        try {
            Throwable lastError = null;
            while (process.isAlive()) {
                Duration remaining = deadline.remaining();
                if (remaining.isZero()) {
                    throw notReady(bootstrap, process, lastError);
                }
                int attemptMillis = (int) Math.max(1, Math.min(remaining.toMillis(), ATTEMPT_TIMEOUT.toMillis()));
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(attemptMillis))
                            .nodes().get();
                    if (ready.test(nodes)) {
                        return true;
                    }
                } catch (ExecutionException e) {
                    lastError = e.getCause();
                }
                Thread.sleep(PAUSE.toMillis());
            }
            return false;
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    private static boolean awaitPort(String bootstrap, ProcessHandle process, Deadline deadline)
            throws InterruptedException {
        int colon = bootstrap.lastIndexOf(':');
        String host = bootstrap.substring(0, colon).replace("[", "").replace("]", "");
        InetSocketAddress address = new InetSocketAddress(host, Integer.parseInt(bootstrap.substring(colon + 1)));
        IOException lastError = null;
        while (process.isAlive()) {
            if (deadline.expired()) {
                throw notReady(bootstrap, process, lastError);
            }
            try (Socket socket = new Socket()) {
                socket.connect(address, (int) CONNECT_TIMEOUT.toMillis());
                return true;
            } catch (IOException e) {
                lastError = e;
            }
            Thread.sleep(PAUSE.toMillis());
        }
        return false;
    }

    private static BrokerException notReady(String bootstrap, ProcessHandle process, Throwable lastError) {
        return new BrokerException("Broker pid " + process.pid() + " at " + bootstrap + " was not ready in time"
                + (lastError == null ? "" : "; last error: " + lastError));
    }
}
