package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The nodes of a secure local cluster: each with the listeners and security settings of
 * {@link SecureServerConfig} (clients and replication on SASL_SSL with SCRAM-SHA-512, the quorum
 * on TLS with client certificates, ACLs), its own key pair signed by the cluster's CA
 * ({@code <clusterDir>/tls/node-K.p12}), the passwords in {@code <clusterDir>/secrets.properties}
 * and the SCRAM users {@code admin} and {@code broker} written at format time. The admin's client
 * configuration is {@code <clusterDir>/admin.properties}, rewritten at every start.
 *
 * <p>Not thread-safe: the cluster serializes its calls.
 */
public final class ScramTlsNodes implements NodeSecurity {

    /** Clear of the plain cluster's 29092 to 29104 and the single secure broker's 9094 and 9095. */
    public static final int FIRST_PORT = 29192;

    private final Path clusterDir;
    private Secrets secrets;
    private Certificates certificates;

    public ScramTlsNodes(Path clusterDir) {
        this.clusterDir = clusterDir.toAbsolutePath().normalize();
    }

    /** The keystore name of node {@code node} in the cluster's {@code tls/}. */
    public static String keystoreName(int node) {
        return "node-" + node;
    }

    @Override
    public int defaultFirstPort() {
        return FIRST_PORT;
    }

    @Override
    public void prepare(String bootstrap, int nodes) {
        secrets = Secrets.loadOrCreate(clusterDir);
        certificates = new Certificates(clusterDir.resolve("tls"), secrets.storePassword());
        List<String> names = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            names.add(keystoreName(node));
        }
        certificates.ensure(names);
        Secrets.writeOwnerOnly(adminFile(), SecureServerConfig.clientConfig(bootstrap, certificates,
                SecureServerConfig.ADMIN_USER, secrets.adminPassword()));
    }

    @Override
    public Map<String, String> overrides(int node, int clientPort, int controllerPort) {
        requirePrepared();
        Map<String, String> m = new LinkedHashMap<>(SecureServerConfig.listeners(clientPort, controllerPort));
        m.putAll(SecureServerConfig.security(certificates, certificates.keystore(keystoreName(node)), secrets.brokerPassword()));
        return m;
    }

    @Override
    public List<String> formatArguments() {
        requirePrepared();
        return SecureServerConfig.scramUsersAtFormat(secrets);
    }

    /** The settings of admin.properties but bootstrap.servers; none before the first start. */
    @Override
    public Map<String, Object> login() {
        Path file = adminFile();
        if (!Files.exists(file)) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new BrokerException("Cannot read " + file + ": " + e, e);
        }
        Map<String, Object> login = new HashMap<>();
        p.stringPropertyNames().stream().filter(key -> !key.equals("bootstrap.servers"))
                .forEach(key -> login.put(key, p.getProperty(key)));
        return login;
    }

    @Override
    public Optional<Path> adminConfig() {
        return Optional.of(adminFile());
    }

    @Override
    public String commandFlag() {
        return " --secure";
    }

    private Path adminFile() {
        return clusterDir.resolve("admin.properties");
    }

    private void requirePrepared() {
        if (secrets == null) {
            throw new IllegalStateException("prepare() must come first");
        }
    }
}
