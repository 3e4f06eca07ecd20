package io.swmrfacade.system;

import io.swmrfacade.broker.ClusterPorts;
import io.swmrfacade.broker.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Three real Kafka nodes, each a JVM of its own started by {@link LocalCluster} (the code behind
 * {@code sf broker start --nodes 3}, with {@link #secure} that of {@code --secure --nodes 3}) from
 * the cluster-3 templates, on free ports, with their data in a test folder: for tests that
 * SIGKILL a broker.
 */
final class ClusterNodes implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** A secure cluster's first start also runs keytool 18 times (a CA, three keystores). */
    static final Duration SECURE_START_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final LocalCluster cluster;
    private final String bootstrap;
    private final Map<String, Object> adminLogin;
    private final Thread stopOnExit;

    /** Starts the three nodes and waits until each is unfenced. */
    ClusterNodes(Path dir) throws IOException {
        this(new LocalCluster(home(), dir.resolve("kafka-cluster")));
    }

    /** Starts a secure cluster (SASL_SSL, SCRAM, TLS, ACLs) and waits until each node is unfenced. */
    static ClusterNodes secure(Path dir) throws IOException {
        return new ClusterNodes(LocalCluster.secure(home(), dir.resolve("kafka-cluster-secure")));
    }

    private ClusterNodes(LocalCluster cluster) throws IOException {
        this.cluster = cluster;
        LocalCluster forHook = cluster;
        // A test JVM that dies must not leave three brokers behind.
        this.stopOnExit = new Thread(() -> forHook.stop(Duration.ofSeconds(5)), "stop-test-cluster");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        this.bootstrap = cluster.start(ClusterPorts.free(LocalCluster.NODES), cluster.adminConfig().isPresent() ? SECURE_START_TIMEOUT : START_TIMEOUT);
        this.adminLogin = cluster.adminConfig().isPresent() ? login(cluster.adminConfig().get()) : Map.of();
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The super user's client configuration file of a secure cluster. */
    Path adminConfig() {
        return cluster.adminConfig().orElseThrow(() -> new IllegalStateException("not a secure cluster"));
    }

    /** The Kafka client security settings of the cluster's super user; none on a plaintext cluster. */
    Map<String, Object> adminLogin() {
        return adminLogin;
    }

    /** The security settings (security.protocol, sasl.*, ssl.*) of a Kafka client configuration file. */
    static Map<String, Object> login(Path clientConfig) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(clientConfig)) {
            p.load(in);
        }
        Map<String, Object> login = new HashMap<>();
        p.stringPropertyNames().stream().filter(io.swmrfacade.topology.ClusterConfig::isSecurityKey)
                .forEach(key -> login.put(key, p.getProperty(key)));
        return login;
    }

    /** SIGKILL node {@code node}: no controlled shutdown, as when its host dies. */
    void kill(int node) {
        cluster.stopNode(node, true, STOP_TIMEOUT);
    }

    /** Starts node {@code node} again and returns how long it took until the cluster listed it (unfenced). */
    Duration restart(int node) {
        long start = System.nanoTime();
        cluster.startNode(node, START_TIMEOUT);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    LocalCluster.Status status() {
        return cluster.status(Duration.ofSeconds(10));
    }

    /** Partitions of {@code topic} led by each node; a partition without a leader counts for node -1. */
    Map<Integer, Integer> leadersOf(String topic) throws Exception {
        Map<String, Object> settings = new HashMap<>(adminLogin);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(settings)) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Map<Integer, Integer> leaders = new HashMap<>();
            for (TopicPartitionInfo p : d.partitions()) {
                leaders.merge(p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id(), 1, Integer::sum);
            }
            return leaders;
        }
    }

    /** The node that leads the most partitions of {@code topic}. */
    int busiestLeaderOf(String topic) throws Exception {
        return leadersOf(topic).entrySet().stream().filter(e -> e.getKey() > 0)
                .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    @Override
    public void close() {
        cluster.stop(STOP_TIMEOUT);
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }

    private static Path home() {
        return Path.of(System.getProperty("sf.home", "..")).toAbsolutePath().normalize();
    }
}
