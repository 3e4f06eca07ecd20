package io.swmrfacade.broker.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The security settings of a secure broker node, and the whole server.properties of the one-node
 * secure broker.
 *
 * <p>Clients connect to the {@code CLIENTS} listener with SASL_SSL and SCRAM-SHA-512. Brokers
 * replicate over the same listener, logging in as the SCRAM user {@code broker}: every connection
 * a node accepts is then encrypted and authenticated the same way, and a node needs one client
 * port only (a cluster keeps the plain cluster's port plan). The {@code CONTROLLER} listener is
 * TLS with required client certificates, because SCRAM cannot authenticate the quorum: its
 * credentials live in the metadata the quorum serves. The StandardAuthorizer denies what no ACL
 * allows; {@code admin} and {@code broker} (the password user and the certificate principal of
 * every node) are the super users.
 *
 * @param clientPort the SASL_SSL port on 127.0.0.1
 * @param controllerPort the controller's TLS port on 127.0.0.1
 * @param certificates the broker's keystore and the CA truststore
 * @param brokerPassword the SCRAM password of the broker's own user, for inter-broker logins
 * @param logDirs the data directory
 */
public record SecureServerConfig(int clientPort, int controllerPort, Certificates certificates, String brokerPassword,
                                 Path logDirs) {

    /** The principal with every right: it creates users and ACLs. */
    public static final String ADMIN_USER = "admin";
    /** The broker's own SCRAM user (inter-broker) and certificate principal (controller). */
    public static final String BROKER_USER = Certificates.BROKER_CN;
    public static final String MECHANISM = "SCRAM-SHA-512";

    public String bootstrap() {
        return "127.0.0.1:" + clientPort;
    }

    /** The one-node broker's file text. */
    public String render() {
        List<String> lines = new ArrayList<>(List.of(
                "# Written by io.swmrfacade.broker.SecureBroker at every start; edit that class, not this file.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort));
        listeners(clientPort, controllerPort).forEach((key, value) -> lines.add(key + "=" + escape(value)));
        security(certificates, certificates.keystore(), brokerPassword).forEach((key, value) -> lines.add(key + "=" + escape(value)));
        lines.addAll(List.of(
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=1000",
                "log.dirs=" + escape(logDirs.toAbsolutePath().toString()),
                ""));
        return String.join("\n", lines);
    }

    /** {@code listeners} and {@code advertised.listeners} of a node on 127.0.0.1. */
    public static Map<String, String> listeners(int clientPort, int controllerPort) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("listeners", "CLIENTS://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        m.put("advertised.listeners", "CLIENTS://127.0.0.1:" + clientPort);
        return m;
    }

    /**
     * Every security setting of a node whose key and certificate are in {@code keystore}, in file
     * order, unescaped.
     */
    public static Map<String, String> security(Certificates certificates, Path keystore, String brokerPassword) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("listener.security.protocol.map", "CLIENTS:SASL_SSL,CONTROLLER:SSL");
        m.put("inter.broker.listener.name", "CLIENTS");
        m.put("controller.listener.names", "CONTROLLER");
        m.put("sasl.enabled.mechanisms", MECHANISM);
        m.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        m.put("listener.name.clients.scram-sha-512.sasl.jaas.config", jaas(BROKER_USER, brokerPassword));
        m.put("ssl.keystore.type", "PKCS12");
        m.put("ssl.keystore.location", keystore.toAbsolutePath().toString());
        m.put("ssl.keystore.password", certificates.password());
        m.put("ssl.key.password", certificates.password());
        m.put("ssl.truststore.type", "PKCS12");
        m.put("ssl.truststore.location", certificates.truststore().toString());
        m.put("ssl.truststore.password", certificates.password());
        m.put("ssl.enabled.protocols", "TLSv1.3,TLSv1.2");
        m.put("ssl.endpoint.identification.algorithm", "https");
        m.put("listener.name.controller.ssl.client.auth", "required");
        // A certificate's principal is its CN (User:broker), not the whole distinguished name.
        m.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+).*$/$1/,DEFAULT");
        m.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        m.put("allow.everyone.if.no.acl.found", "false");
        m.put("super.users", "User:" + ADMIN_USER + ";User:" + BROKER_USER);
        return m;
    }

    /**
     * A Kafka client configuration for {@code user} on a secure broker or cluster whose CA is in
     * {@code certificates}: SASL_SSL, SCRAM-SHA-512, the CA as truststore, host name checked.
     */
    public static String clientConfig(String bootstrap, Certificates certificates, String user, String password) {
        return String.join("\n", List.of(
                "# Kafka client configuration of the SCRAM user " + user + " (sf --config, kafka-*.sh --command-config).",
                "bootstrap.servers=" + bootstrap,
                "security.protocol=SASL_SSL",
                "sasl.mechanism=" + MECHANISM,
                "sasl.jaas.config=" + jaas(user, password),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + escape(certificates.truststore().toString()),
                "ssl.truststore.password=" + certificates.password(),
                "ssl.endpoint.identification.algorithm=https",
                ""));
    }

    /** A SCRAM login, as the value of a {@code sasl.jaas.config}. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** The storage tool's arguments that write the SCRAM users {@code admin} and {@code broker} at format time. */
    public static List<String> scramUsersAtFormat(Secrets secrets) {
        return List.of(
                "--add-scram", MECHANISM + "=[name=" + ADMIN_USER + ",password=" + secrets.adminPassword() + "]",
                "--add-scram", MECHANISM + "=[name=" + BROKER_USER + ",password=" + secrets.brokerPassword() + "]");
    }

    private static String escape(String value) {
        // Properties.load treats a backslash as an escape character.
        return value.replace("\\", "\\\\");
    }
}
