package io.swmrfacade.broker.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * The server.properties of a one-node secure broker: clients on SASL_SSL with SCRAM-SHA-512,
 * the controller listener on TLS with client certificates (SCRAM cannot authenticate the quorum:
 * its credentials live in the metadata the quorum serves), the StandardAuthorizer denying what no
 * ACL allows, and {@code admin} and {@code broker} as super users.
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

    /** The file's text. */
    public String render() {
        return String.join("\n", List.of(
                "# Written by io.swmrfacade.broker.SecureBroker at every start; edit that class, not this file.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=CLIENTS://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=CLIENTS://127.0.0.1:" + clientPort,
                "listener.security.protocol.map=CLIENTS:SASL_SSL,CONTROLLER:SSL",
                "inter.broker.listener.name=CLIENTS",
                "controller.listener.names=CONTROLLER",
                "sasl.enabled.mechanisms=" + MECHANISM,
                "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
                "listener.name.clients.scram-sha-512.sasl.jaas.config=" + jaas(BROKER_USER, brokerPassword),
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + escape(certificates.keystore()),
                "ssl.keystore.password=" + certificates.password(),
                "ssl.key.password=" + certificates.password(),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + escape(certificates.truststore()),
                "ssl.truststore.password=" + certificates.password(),
                "ssl.enabled.protocols=TLSv1.3,TLSv1.2",
                "ssl.endpoint.identification.algorithm=https",
                "listener.name.controller.ssl.client.auth=required",
                // A certificate's principal is its CN (User:broker), not the whole distinguished name.
                "ssl.principal.mapping.rules=RULE:^CN=([^,]+).*$/$1/,DEFAULT",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:" + ADMIN_USER + ";User:" + BROKER_USER,
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
                "log.dirs=" + escape(logDirs.toAbsolutePath()),
                ""));
    }

    /** A SCRAM login, as the value of a {@code sasl.jaas.config}. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static String escape(Path path) {
        // Properties.load treats a backslash as an escape character.
        return path.toString().replace("\\", "\\\\");
    }
}
