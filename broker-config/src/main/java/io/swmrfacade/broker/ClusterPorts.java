package io.swmrfacade.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ports of a local cluster, all on 127.0.0.1: node {@code k} (from 1) serves clients on
 * {@code clientPorts.get(k - 1)} and the KRaft quorum on {@code controllerPorts.get(k - 1)}.
 *
 * @param clientPorts the PLAINTEXT listener of each node, in node order
 * @param controllerPorts the CONTROLLER listener of each node, in node order
 */
public record ClusterPorts(List<Integer> clientPorts, List<Integer> controllerPorts) {

    /** The first client port of {@link #defaults(int)}: clear of the single broker's 9092 and 9093. */
    public static final int DEFAULT_FIRST_PORT = 29092;
    /** How far above a client port its node's controller port is, in {@link #from}. */
    public static final int CONTROLLER_OFFSET = 10;

    public ClusterPorts {
        clientPorts = List.copyOf(clientPorts);
        controllerPorts = List.copyOf(controllerPorts);
        if (clientPorts.isEmpty() || clientPorts.size() != controllerPorts.size()) {
            throw new IllegalArgumentException("clientPorts and controllerPorts must name one port per node, were "
                    + clientPorts + " and " + controllerPorts);
        }
        Set<Integer> seen = new HashSet<>();
        for (int port : concat(clientPorts, controllerPorts)) {
            if (port < 1 || port > 65535 || !seen.add(port)) {
                throw new IllegalArgumentException("ports must be distinct, from 1 to 65535; " + port + " is not, in "
                        + clientPorts + " and " + controllerPorts);
            }
        }
    }

    /** {@code nodes} client ports from {@code firstPort} up, and controller ports from {@code firstPort + 10} up. */
    public static ClusterPorts from(int firstPort, int nodes) {
        if (firstPort < 1 || firstPort + CONTROLLER_OFFSET + nodes - 1 > 65535) {
            throw new IllegalArgumentException("firstPort must leave room for " + nodes + " client and controller ports below 65536, was "
                    + firstPort);
        }
        if (nodes > CONTROLLER_OFFSET) {
            throw new IllegalArgumentException("nodes must be at most " + CONTROLLER_OFFSET + ", was " + nodes);
        }
        List<Integer> clients = new ArrayList<>();
        List<Integer> controllers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            clients.add(firstPort + i);
            controllers.add(firstPort + CONTROLLER_OFFSET + i);
        }
        return new ClusterPorts(clients, controllers);
    }

    /**
     * {@code nodes} client and {@code nodes} controller ports that the system reports free on
     * 127.0.0.1 now (each bound to port 0 at once, then released): for tests and drills that must
     * not meet another cluster on this machine. Another process may still take one before a node does.
     *
     * @throws BrokerException if no port can be bound
     */
    public static ClusterPorts free(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
        }
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * nodes; i++) {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
            }
            List<Integer> ports = sockets.stream().map(ServerSocket::getLocalPort).toList();
            return new ClusterPorts(ports.subList(0, nodes), ports.subList(nodes, 2 * nodes));
        } catch (IOException e) {
            throw new BrokerException("Cannot find " + 2 * nodes + " free ports on 127.0.0.1: " + e, e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // released either way
                }
            }
        }
    }

    public static ClusterPorts defaults(int nodes) {
        return from(DEFAULT_FIRST_PORT, nodes);
    }

    public int nodes() {
        return clientPorts.size();
    }

    /** {@code 127.0.0.1:<client port>} of node {@code node} (from 1). */
    public String address(int node) {
        return "127.0.0.1:" + clientPorts.get(node - 1);
    }

    /** Every node's client address, comma-separated: a {@code bootstrap.servers} value. */
    public String bootstrap() {
        List<String> addresses = new ArrayList<>();
        for (int node = 1; node <= nodes(); node++) {
            addresses.add(address(node));
        }
        return String.join(",", addresses);
    }

    /** The static KRaft quorum, a {@code controller.quorum.voters} value: {@code 1@127.0.0.1:<controller port>,...}. */
    public String quorumVoters() {
        List<String> voters = new ArrayList<>();
        for (int node = 1; node <= nodes(); node++) {
            voters.add(node + "@127.0.0.1:" + controllerPorts.get(node - 1));
        }
        return String.join(",", voters);
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
