package io.swmrfacade.cli;

import io.swmrfacade.broker.ClusterPorts;
import io.swmrfacade.broker.LocalBroker;
import io.swmrfacade.broker.LocalCluster;
import io.swmrfacade.broker.SecureBroker;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "broker", description = {
        "Start, stop or check the local Kafka broker (KRaft, from Maven Central jars; data in var/kafka),",
        "or a local three-node cluster (--nodes 3; templates broker-config/cluster-3, data in var/kafka-cluster).",
        "With --secure, the secure broker (var/kafka-secure) or secure cluster (var/kafka-cluster-secure) instead."})
final class BrokerCommand implements Callable<Integer> {

    enum Action { start, stop, status }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "start | stop | status")
    Action action;

    @Option(names = "--nodes", defaultValue = "1",
            description = "start: 1 (the single broker) or 3 (a local cluster: three JVMs, replication 3).")
    int nodes;

    @Option(names = "--node", description = "start or stop only this node of the local cluster (1 to 3; default: every node).")
    Integer node;

    @Option(names = "--kill", description = "stop --node K: SIGKILL at once, as in a crash, instead of a controlled shutdown.")
    boolean kill;

    @Option(names = "--port", description = "start --nodes 3, first time only: first client port (node K listens on PORT+K-1,"
            + " its controller on PORT+10+K-1; default " + ClusterPorts.DEFAULT_FIRST_PORT + ", with --secure 29192).")
    Integer port;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "Longest wait for the broker to start or stop.")
    Duration timeout;

    @Option(names = "--secure", description = "The secure broker or cluster instead (SASL_SSL, SCRAM-SHA-512, TLS, ACLs; one node"
            + " on 127.0.0.1:9094, data in var/kafka-secure; --nodes 3 on 29192-29194, data in var/kafka-cluster-secure):"
            + " start prints the bootstrap and the admin's client config file.")
    boolean secure;

    @Override
    public Integer call() {
        validate();
        LocalCluster cluster = secure ? LocalCluster.secure(Home.dir()) : new LocalCluster(Home.dir());
        switch (action) {
            case start -> start(cluster);
            case stop -> stop(cluster);
            default -> {
                return status(cluster);
            }
        }
        return 0;
    }

    private void validate() {
        if (nodes != 1 && nodes != LocalCluster.NODES) {
            throw new ParameterException(spec.commandLine(), "--nodes must be 1 or " + LocalCluster.NODES + ", was " + nodes);
        }
        if (node != null && (node < 1 || node > LocalCluster.NODES)) {
            throw new ParameterException(spec.commandLine(), "--node must be from 1 to " + LocalCluster.NODES + ", was " + node);
        }
        if (kill && (action != Action.stop || node == null)) {
            throw new ParameterException(spec.commandLine(), "--kill goes with `stop --node K`");
        }
        if (node != null && action == Action.status) {
            throw new ParameterException(spec.commandLine(), "--node goes with start or stop, not status");
        }
        if (port != null && (action != Action.start || nodes != LocalCluster.NODES)) {
            throw new ParameterException(spec.commandLine(), "--port goes with `start --nodes " + LocalCluster.NODES + "`");
        }
    }

    private void start(LocalCluster cluster) {
        if (node != null) {
            cluster.startNode(node, timeout);
            System.out.println("node " + node + " up at " + cluster.ports().address(node));
        } else if (nodes == LocalCluster.NODES) {
            System.out.println(port == null ? cluster.start(timeout) : cluster.start(ClusterPorts.from(port, nodes), timeout));
            cluster.adminConfig().ifPresent(BrokerCommand::printAdminConfig);
        } else if (secure) {
            SecureBroker broker = new SecureBroker(Home.dir());
            System.out.println(broker.start(timeout));
            printAdminConfig(broker.adminConfig());
        } else {
            System.out.println(new LocalBroker(Home.dir()).start(timeout));
        }
    }

    private static void printAdminConfig(java.nio.file.Path file) {
        System.out.println("admin client config: " + file + " (sf ... --config it; sf users add NAME --role ROLE --config it)");
    }

    private void stop(LocalCluster cluster) {
        if (node != null) {
            cluster.stopNode(node, kill, timeout);
            System.out.println((kill ? "killed" : "stopped") + " node " + node);
            return;
        }
        if (secure) {
            new SecureBroker(Home.dir()).stop(timeout);
        } else {
            new LocalBroker(Home.dir()).stop(timeout);
        }
        if (cluster.exists()) {
            cluster.stop(timeout);
        }
        System.out.println("stopped");
    }

    private int status(LocalCluster cluster) {
        boolean running = printSingleStatus(cluster.exists());
        if (cluster.exists()) {
            LocalCluster.Status status = cluster.status(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10));
            running |= status.anyRunning();
            System.out.println("cluster " + status.bootstrap() + ", active controller: "
                    + (status.activeController().isPresent() ? "node " + status.activeController().getAsInt() : "none")
                    + cluster.adminConfig().map(file -> ", admin config " + file).orElse(""));
            for (LocalCluster.NodeStatus n : status.nodes()) {
                System.out.printf("node %d  %-12s %-16s %-4s  leaders %d%s%n", n.node(),
                        n.running() ? "pid " + n.pid().getAsLong() : "not running", n.address(), n.up() ? "up" : "down",
                        n.leaders(), n.activeController() ? "  active controller" : "");
            }
        }
        return running ? 0 : Main.TASKS_FAILED;
    }

    /** The single broker's line, when it runs or there is no cluster; whether it runs. */
    private boolean printSingleStatus(boolean clusterExists) {
        if (secure) {
            SecureBroker broker = new SecureBroker(Home.dir());
            boolean running = broker.running();
            if (running || !clusterExists) {
                System.out.println(running ? "running at " + broker.bootstrap() + ", admin config " + broker.adminConfig() : "not running");
            }
            return running;
        }
        LocalBroker.Status single = new LocalBroker(Home.dir()).status();
        if (single.running() || !clusterExists) {
            System.out.println(single.running() ? "running pid " + single.pid().getAsLong() + " at " + single.bootstrap() : "not running");
        }
        return single.running();
    }
}
