package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import io.swmrfacade.broker.ClusterPorts;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * {@code cluster.properties} of a local cluster: its id and ports, fixed when the cluster is first
 * started, so that later commands (status, stop, start of one node) find the same nodes.
 */
public record ClusterFile(String clusterId, ClusterPorts ports) {

    private static final String CLUSTER_ID = "cluster.id";
    private static final String CLIENT_PORTS = "client.ports";
    private static final String CONTROLLER_PORTS = "controller.ports";

    /** @throws BrokerException if the file cannot be read or is malformed */
    public static ClusterFile read(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new BrokerException("Cannot read " + file + ": " + e, e);
        }
        String id = props.getProperty(CLUSTER_ID, "").trim();
        try {
            if (id.isEmpty()) {
                throw new IllegalArgumentException(CLUSTER_ID + " is missing");
            }
            return new ClusterFile(id, new ClusterPorts(ports(props, CLIENT_PORTS), ports(props, CONTROLLER_PORTS)));
        } catch (IllegalArgumentException e) {
            throw new BrokerException("Malformed " + file + ": " + e.getMessage() + "; stop the cluster and delete "
                    + file.getParent() + " to start a new one", e);
        }
    }

    public void write(Path file) {
        Properties props = new Properties();
        props.setProperty(CLUSTER_ID, clusterId);
        props.setProperty(CLIENT_PORTS, join(ports.clientPorts()));
        props.setProperty(CONTROLLER_PORTS, join(ports.controllerPorts()));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                props.store(out, "A local Kafka cluster started by `sf broker start --nodes N`; delete this folder"
                        + " (with the cluster stopped) to start a new one");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BrokerException("Cannot write " + file + ": " + e, e);
        }
    }

    private static List<Integer> ports(Properties props, String key) {
        String value = props.getProperty(key, "").trim();
        try {
            return Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a comma-separated list of ports, was '" + value + "'");
        }
    }

    private static String join(List<Integer> ports) {
        return String.join(",", ports.stream().map(String::valueOf).toList());
    }
}
