package io.swmrfacade.broker;

import io.swmrfacade.broker.internal.BrokerLayout;
import io.swmrfacade.broker.internal.ClusterFile;
import io.swmrfacade.broker.internal.ClusterLaunch;
import io.swmrfacade.broker.internal.ClusterProbe;
import io.swmrfacade.broker.internal.Deadline;
import io.swmrfacade.broker.internal.NodeSecurity;
import io.swmrfacade.broker.internal.PidFile;
import io.swmrfacade.broker.internal.ScramTlsNodes;
import io.swmrfacade.broker.internal.Termination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of three KRaft nodes on this machine, for fault drills and replication tests:
 * each node is a combined broker and controller in a JVM of its own, rendered from
 * {@code <home>/broker-config/cluster-3/server-<k>.properties} with 127.0.0.1 listeners on its own
 * ports ({@link ClusterPorts}) and its own folder {@code <clusterDir>/node-<k>} (rendered
 * {@code server.properties}, {@code data/}, {@code logs/server.log}, {@code broker.log},
 * {@code broker.pid}). {@code <clusterDir>/cluster.properties} keeps the cluster id and ports.
 *
 * <p>{@link #secure} makes the same cluster for authenticated clients only: each node takes the
 * listeners and security settings of the secure broker over its template (SASL_SSL with
 * SCRAM-SHA-512 for clients and replication, TLS with client certificates for the quorum, ACLs
 * with {@code admin} and {@code broker} as super users), its own certificate from the cluster's
 * CA in {@code <clusterDir>/tls}, and the SCRAM users written at format time;
 * {@code <clusterDir>/admin.properties} is the admin's client configuration.
 *
 * <p>Like {@link LocalBroker}, the nodes outlive the JVM that started them, and any JVM with the
 * same folders finds them through their pid files. Every stop is by pid and bounded in time.
 *
 * <p>Thread-safe: the public methods are serialized within one JVM; nothing locks across JVMs.
 */
public final class LocalCluster {

    /** The number of nodes: as many as there are templates in {@code broker-config/cluster-3}. */
    public static final int NODES = 3;

    /**
     * One node as {@link #status} found it.
     *
     * @param node its node id, from 1
     * @param address its client address, {@code 127.0.0.1:<port>}
     * @param pid the pid of its live broker process, if one runs
     * @param up whether the cluster lists it as a broker (registered and unfenced: it can lead partitions)
     * @param activeController whether it leads the KRaft metadata quorum
     * @param leaders how many partitions it leads, internal topics included
     */
    public record NodeStatus(int node, String address, OptionalLong pid, boolean up, boolean activeController, int leaders) {

        public boolean running() {
            return pid.isPresent();
        }
    }

    /**
     * @param nodes every node, in node order
     * @param activeController the node leading the quorum, if the cluster answered
     * @param bootstrap every node's address: a {@code bootstrap.servers} value
     */
    public record Status(List<NodeStatus> nodes, OptionalInt activeController, String bootstrap) {

        public boolean anyRunning() {
            return nodes.stream().anyMatch(NodeStatus::running);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    private final Path home;
    private final Path clusterDir;
    private final NodeSecurity security;
    private final String context;
    private final ClusterLaunch nodes;

    /** The cluster under {@code <home>/var/kafka-cluster}. Does no I/O. */
    public LocalCluster(Path home) {
        this(home, Objects.requireNonNull(home, "home").resolve("var").resolve("kafka-cluster"));
    }

    /**
     * @param home the repository root (templates and jars)
     * @param clusterDir where the cluster's files go; does no I/O
     */
    public LocalCluster(Path home, Path clusterDir) {
        this(home, clusterDir, NodeSecurity.plaintext());
    }

    private LocalCluster(Path home, Path clusterDir, NodeSecurity security) {
        this.home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
        this.clusterDir = Objects.requireNonNull(clusterDir, "clusterDir").toAbsolutePath().normalize();
        this.security = security;
        this.context = "[local-cluster" + security.commandFlag().replace(" --", " ") + " " + this.clusterDir + "]";
        this.nodes = new ClusterLaunch(this.home, this.clusterDir, security, context, NODES);
    }

    /** The secure cluster under {@code <home>/var/kafka-cluster-secure}. Does no I/O. */
    public static LocalCluster secure(Path home) {
        return secure(home, Objects.requireNonNull(home, "home").resolve("var").resolve("kafka-cluster-secure"));
    }

    /**
     * A secure cluster (SASL_SSL, SCRAM-SHA-512, TLS, ACLs) with its files in {@code clusterDir}.
     * Does no I/O.
     */
    public static LocalCluster secure(Path home, Path clusterDir) {
        Objects.requireNonNull(clusterDir, "clusterDir");
        return new LocalCluster(home, clusterDir, new ScramTlsNodes(clusterDir));
    }

    /** The ports the first start uses when none are given: from 29092 up, from 29192 up for a secure cluster. */
    public ClusterPorts defaultPorts() {
        return ClusterPorts.from(security.defaultFirstPort(), NODES);
    }

    /**
     * The admin's Kafka client configuration (SASL_SSL, SCRAM, the CA), written by every
     * {@link #start} of a secure cluster; empty for a plaintext one.
     */
    public Optional<Path> adminConfig() {
        return security.adminConfig();
    }

    /** Whether a cluster was created here (by an earlier {@link #start}). */
    public boolean exists() {
        return Files.exists(clusterFile());
    }

    /**
     * The ports of the cluster created here.
     *
     * @throws BrokerException if none was created, or its cluster.properties is malformed
     */
    public ClusterPorts ports() {
        requireExists();
        return ClusterFile.read(clusterFile()).ports();
    }

    /**
     * Ensures all three nodes run and are ready, and returns the bootstrap list. The first start
     * fixes the cluster id and {@code ports} in cluster.properties and formats each node's
     * storage; later starts reuse them and start only the nodes that are down. Blocks for at most
     * about {@code timeout}.
     *
     * @throws BrokerException if the jars or templates are missing, {@code ports} differ from the
     *     existing cluster's, a port is taken by another process, or a node exits or is not ready
     *     in time (the nodes this call started are then stopped; the message ends with the last
     *     lines of that node's broker.log)
     */
    public synchronized String start(ClusterPorts ports, Duration timeout) {
        Objects.requireNonNull(ports, "ports");
        Deadline deadline = Deadline.after(requirePositive(timeout));
        if (ports.nodes() != NODES) {
            throw new IllegalArgumentException("ports must name " + NODES + " nodes, named " + ports.nodes());
        }
        BrokerLayout.local(home).requireKafkaLib();
        ClusterFile cluster;
        if (exists()) {
            cluster = ClusterFile.read(clusterFile());
            if (!cluster.ports().equals(ports)) {
                throw new BrokerException("The cluster in " + clusterDir + " uses ports " + cluster.ports()
                        + ", not " + ports + "; stop it and delete " + clusterDir + " to change them");
            }
        } else {
            cluster = new ClusterFile(Uuid.randomUuid().toString(), ports);
        }
        List<Integer> down = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            layout(node).requireTemplates();
            if (pidFile(node).liveBroker().isEmpty()) {
                down.add(node);
            }
        }
        cluster.write(clusterFile());
        nodes.formatAndStart(cluster, down, deadline);
        return ports.bootstrap();
    }

    /** {@link #start(ClusterPorts, Duration)} with the existing cluster's ports, or {@link #defaultPorts}. */
    public synchronized String start(Duration timeout) {
        return start(exists() ? ports() : defaultPorts(), timeout);
    }

    /**
     * Starts node {@code node} if it is down and waits until the cluster lists it (unfenced).
     *
     * @throws BrokerException if no cluster was created here, or as {@link #start}
     * @throws IllegalArgumentException if {@code node} is not 1 to 3
     */
    public synchronized void startNode(int node, Duration timeout) {
        requireNode(node);
        Deadline deadline = Deadline.after(requirePositive(timeout));
        requireExists();
        ClusterFile cluster = ClusterFile.read(clusterFile());
        if (pidFile(node).liveBroker().isPresent()) {
            nodes.awaitReady(cluster.ports(), node, pidFile(node).liveBroker().get(), deadline, false);
            return;
        }
        nodes.formatAndStart(cluster, List.of(node), deadline);
    }

    /**
     * Stops node {@code node}: with {@code kill}, SIGKILL at once (a crash: no controlled
     * shutdown, its log is recovered at the next start); otherwise SIGTERM, then SIGKILL after
     * {@code timeout}. Returns at once if it is not running. Blocks for at most {@code timeout}
     * plus 10 seconds.
     *
     * @throws BrokerException if the process survives SIGKILL
     */
    public synchronized void stopNode(int node, boolean kill, Duration timeout) {
        requireNode(node);
        requirePositive(timeout);
        Optional<ProcessHandle> running = pidFile(node).liveBroker();
        if (running.isEmpty()) {
            log.info("{} Node {} is not running; nothing to stop", context, node);
            pidFile(node).delete();
            return;
        }
        ProcessHandle broker = running.get();
        log.info("{} {} node {} (pid {})", context, kill ? "Killing" : "Stopping", node, broker.pid());
        boolean gone = kill ? Termination.kill(broker) : Termination.terminate(broker, timeout);
        if (!gone) {
            throw new BrokerException("Node " + node + " (pid " + broker.pid() + ") is still alive after SIGKILL");
        }
        pidFile(node).delete();
    }

    /**
     * Stops every node: SIGTERM to all at once, then SIGKILL to those still alive after
     * {@code timeout}. Blocks for at most {@code timeout} plus 10 seconds.
     *
     * @throws BrokerException if a process survives SIGKILL
     */
    public synchronized void stop(Duration timeout) {
        Deadline deadline = Deadline.after(requirePositive(timeout));
        Map<Integer, ProcessHandle> running = new LinkedHashMap<>();
        for (int node = 1; node <= NODES; node++) {
            int n = node;
            pidFile(node).liveBroker().ifPresent(process -> running.put(n, process));
        }
        running.values().forEach(ProcessHandle::destroy);
        List<String> survivors = new ArrayList<>();
        running.forEach((node, process) -> {
            if (!Termination.awaitExit(process, deadline.remaining())) {
                log.warn("{} Node {} (pid {}) did not exit within {} of SIGTERM; killing it", context, node, process.pid(), timeout);
                if (!Termination.kill(process)) {
                    survivors.add("node " + node + " (pid " + process.pid() + ")");
                }
            }
        });
        if (!survivors.isEmpty()) {
            throw new BrokerException("Still alive after SIGKILL: " + String.join(", ", survivors));
        }
        for (int node = 1; node <= NODES; node++) {
            pidFile(node).delete();
        }
        log.info("{} Stopped {} node(s)", context, running.size());
    }

    /**
     * Each node's pid, address, whether the cluster lists it, whether it is the active controller
     * and how many partitions it leads. Asks the cluster only when a node runs; blocks for at most
     * about {@code timeout}.
     *
     * @throws BrokerException if no cluster was created here
     */
    public Status status(Duration timeout) {
        requirePositive(timeout);
        ClusterPorts ports = ports();
        List<OptionalLong> pids = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            pids.add(pidFile(node).liveBroker().map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty()));
        }
        ClusterProbe.Snapshot snapshot = pids.stream().anyMatch(OptionalLong::isPresent)
                ? ClusterProbe.describe(ports.bootstrap(), security.login(), timeout)
                : ClusterProbe.Snapshot.UNREACHABLE;
        List<NodeStatus> nodes = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            boolean up = pids.get(node - 1).isPresent() && snapshot.brokers().contains(node);
            boolean controller = pids.get(node - 1).isPresent() && snapshot.activeController().equals(OptionalInt.of(node));
            nodes.add(new NodeStatus(node, ports.address(node), pids.get(node - 1), up, controller,
                    up ? snapshot.leaders().getOrDefault(node, 0) : 0));
        }
        return new Status(List.copyOf(nodes), snapshot.activeController(), ports.bootstrap());
    }

    /** The folder of node {@code node}: its server.properties, data, logs, broker.log and pid file. */
    public Path nodeDir(int node) {
        return layout(requireNode(node)).dataDir();
    }

    private BrokerLayout layout(int node) {
        return nodes.layout(node);
    }

    private PidFile pidFile(int node) {
        return nodes.pidFile(node);
    }

    private Path clusterFile() {
        return clusterDir.resolve("cluster.properties");
    }

    private void requireExists() {
        if (!exists()) {
            throw new BrokerException("No local cluster in " + clusterDir + "; start one with `sf broker start --nodes 3"
                    + security.commandFlag() + "`");
        }
    }

    private static int requireNode(int node) {
        if (node < 1 || node > NODES) {
            throw new IllegalArgumentException("node must be from 1 to " + NODES + ", was " + node);
        }
        return node;
    }

    private static Duration requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return timeout;
    }
}
