package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import io.swmrfacade.broker.ClusterPorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings nodes of a local cluster up: renders each node's server.properties from its template
 * (its ports, quorum and security settings), formats storage, starts the broker JVMs and waits
 * until they are ready, and knows each node's folder and pid file.
 *
 * <p>Not thread-safe: {@code LocalCluster} serializes its calls.
 */
public final class ClusterLaunch {

    private static final Logger log = LoggerFactory.getLogger(ClusterLaunch.class);

    private final Path home;
    private final Path clusterDir;
    private final NodeSecurity security;
    private final String context;
    private final int size;

    /**
     * @param context the prefix of every log line, naming the cluster
     * @param size how many nodes the cluster has
     */
    public ClusterLaunch(Path home, Path clusterDir, NodeSecurity security, String context, int size) {
        this.home = home;
        this.clusterDir = clusterDir;
        this.security = security;
        this.context = context;
        this.size = size;
    }

    /** The files of node {@code node}. */
    public BrokerLayout layout(int node) {
        return BrokerLayout.clusterNode(home, clusterDir, node);
    }

    /** The pid file of node {@code node}. */
    public PidFile pidFile(int node) {
        BrokerLayout layout = layout(node);
        return new PidFile(layout.pidFile(), layout.renderedConfig());
    }

    /**
     * Renders, formats (the nodes not formatted yet, in parallel) and starts {@code nodes}, then
     * waits until each is ready; blocks until {@code deadline}. A node that is not ready in time
     * or exits stops every node this call started.
     *
     * @throws BrokerException if a port is taken, formatting fails, or a node is not ready in time
     */
    public void formatAndStart(ClusterFile cluster, List<Integer> nodes, Deadline deadline) {
        security.prepare(cluster.ports().bootstrap(), size);
        for (int node : nodes) {
            prepare(cluster.ports(), node);
        }
        // Formatting runs a JVM per node: in parallel, it costs one JVM start instead of three.
        List<CompletableFuture<Void>> formats = new ArrayList<>();
        for (int node : nodes) {
            BrokerLayout layout = layout(node);
            if (!layout.isFormatted()) {
                formats.add(CompletableFuture.runAsync(() -> new BrokerJvm(layout).formatStorage(cluster.clusterId(),
                        security.formatArguments(), deadline)));
            }
        }
        join(formats);
        Map<Integer, ProcessHandle> started = new LinkedHashMap<>();
        long startNanos = System.nanoTime();
        for (int node : nodes) {
            ProcessHandle broker = new BrokerJvm(layout(node)).startBroker();
            pidFile(node).write(broker.pid());
            started.put(node, broker);
        }
        try {
            // Every node is started before any is awaited: none is ready until a majority of the quorum runs.
            started.forEach((node, broker) -> awaitReady(cluster.ports(), node, broker, deadline, true));
        } catch (BrokerException notReady) {
            started.forEach((node, broker) -> {
                Termination.kill(broker);
                pidFile(node).delete();
            });
            throw notReady;
        }
        log.info("{} Started node(s) {} at {} in {} ms", context, started.keySet(), cluster.ports().bootstrap(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** Checks the node's ports, clears its previous broker.log and pid file, renders its server.properties. */
    private void prepare(ClusterPorts ports, int node) {
        BrokerLayout layout = layout(node);
        Map<String, String> overrides = new HashMap<>(security.overrides(node, ports.clientPorts().get(node - 1),
                ports.controllerPorts().get(node - 1)));
        overrides.put("controller.quorum.voters", ports.quorumVoters());
        overrides.put("log.dirs", layout.logDirs().toString());
        layout.prepareFolders();
        pidFile(node).delete();
        ServerConfig.render(layout.serverTemplate(), layout.renderedConfig(), overrides,
                "Set by LocalCluster: node " + node + " of a cluster on 127.0.0.1, data under " + layout.dataDir());
        ServerConfig.read(layout.renderedConfig()).requirePortsFree();
    }

    /**
     * Waits until node {@code node} ({@code broker}) is ready, until {@code deadline}.
     *
     * @param startedHere whether the caller started it and stops it when this throws (the message says so)
     * @throws BrokerException if it exits or is not ready in time, with the last lines of its broker.log
     */
    public void awaitReady(ClusterPorts ports, int node, ProcessHandle broker, Deadline deadline, boolean startedHere) {
        BrokerLayout layout = layout(node);
        boolean ready;
        try {
            ready = ReadinessProbe.awaitNode(ports.address(node), security.login(), node, broker, deadline);
        } catch (BrokerException notReady) {
            throw new BrokerException("Node " + node + ": " + notReady.getMessage() + (startedHere ? "; it has been stopped" : "")
                    + ". Last lines of " + layout.brokerLog() + ":\n" + new BrokerJvm(layout).brokerLogTail(), notReady);
        }
        if (!ready) {
            throw new BrokerException("Node " + node + " (pid " + broker.pid() + ") exited during start. Last lines of "
                    + layout.brokerLog() + ":\n" + new BrokerJvm(layout).brokerLogTail());
        }
    }

    private static void join(List<CompletableFuture<Void>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof BrokerException broker) {
                throw broker;
            }
            throw new BrokerException("Formatting the cluster's storage failed: " + e.getCause(), e.getCause());
        }
    }
}
