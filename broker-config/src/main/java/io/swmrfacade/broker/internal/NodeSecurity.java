package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.ClusterPorts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the nodes of a local cluster listen and how tools log in to them: {@link #plaintext()}, or
 * SASL_SSL with SCRAM and TLS ({@link ScramTlsNodes}). Everything else about a node (its
 * template, quorum, data, process) is the cluster's.
 */
public interface NodeSecurity {

    /** PLAINTEXT listeners, no login. */
    static NodeSecurity plaintext() {
        return PlaintextNodes.INSTANCE;
    }

    /** The first client port of the cluster's default port plan. */
    int defaultFirstPort();

    /**
     * Makes what the nodes need before their files are rendered (certificates, passwords) and
     * writes the admin's client configuration for {@code bootstrap}. Called at every start.
     */
    void prepare(String bootstrap, int nodes);

    /** The settings that node {@code node} takes over its template's: listeners and security. */
    Map<String, String> overrides(int node, int clientPort, int controllerPort);

    /** Further arguments of the storage tool when a node is formatted. */
    List<String> formatArguments();

    /** The Kafka client settings (without bootstrap.servers) of a user who may describe the cluster. */
    Map<String, Object> login();

    /** The admin's Kafka client configuration file, for a secure cluster. */
    Optional<Path> adminConfig();

    /** How the nodes are meant in messages and commands: empty, or " --secure". */
    String commandFlag();

    /** PLAINTEXT listeners, no login. */
    final class PlaintextNodes implements NodeSecurity {

        static final PlaintextNodes INSTANCE = new PlaintextNodes();

        private PlaintextNodes() {
        }

        @Override
        public int defaultFirstPort() {
            return ClusterPorts.DEFAULT_FIRST_PORT;
        }

        @Override
        public void prepare(String bootstrap, int nodes) {
        }

        @Override
        public Map<String, String> overrides(int node, int clientPort, int controllerPort) {
            return Map.of(
                    "listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        }

        @Override
        public List<String> formatArguments() {
            return List.of();
        }

        @Override
        public Map<String, Object> login() {
            return Map.of();
        }

        @Override
        public Optional<Path> adminConfig() {
            return Optional.empty();
        }

        @Override
        public String commandFlag() {
            return "";
        }
    }
}
