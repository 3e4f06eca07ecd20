package io.swmrfacade.broker;

import io.swmrfacade.broker.internal.BrokerJvm;
import io.swmrfacade.broker.internal.BrokerLayout;
import io.swmrfacade.broker.internal.Certificates;
import io.swmrfacade.broker.internal.Deadline;
import io.swmrfacade.broker.internal.PidFile;
import io.swmrfacade.broker.internal.ReadinessProbe;
import io.swmrfacade.broker.internal.ScramTlsNodes;
import io.swmrfacade.broker.internal.Secrets;
import io.swmrfacade.broker.internal.SecureServerConfig;
import io.swmrfacade.broker.internal.Termination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-node Kafka broker (KRaft) that only authenticated, authorized clients can use: SASL_SSL
 * with SCRAM-SHA-512 on 127.0.0.1, a private CA and broker certificate made on first use with
 * the JDK's keytool, the StandardAuthorizer with {@code allow.everyone.if.no.acl.found=false},
 * and the super user {@code admin}, whose SCRAM credentials are written at format time. For three
 * such nodes, see {@link LocalCluster#secure(Path)}.
 *
 * <p>Everything lives in one directory ({@code <home>/var/kafka-secure} by default):
 * {@code tls/} (CA, truststore, broker keystore), {@code secrets.properties} (generated
 * passwords, owner-only), {@code server.properties}, {@code data/}, {@code logs/},
 * {@code broker.log}, {@code broker.pid} and {@code admin.properties}: the Kafka client
 * configuration of {@code admin}, usable as {@code sf --config} and by Kafka's console tools
 * ({@code --command-config}). Like {@link LocalBroker}, the broker outlives the JVM that started
 * it. Thread-safe: {@link #start} and {@link #stop} are serialized within one JVM.
 */
public final class SecureBroker {

    /** The default SASL_SSL port: clear of the plaintext broker's 9092 and 9093. */
    public static final int DEFAULT_CLIENT_PORT = 9094;
    public static final int DEFAULT_CONTROLLER_PORT = 9095;

    private static final Logger log = LoggerFactory.getLogger(SecureBroker.class);

    private final Path dir;
    private final int clientPort;
    private final int controllerPort;
    private final BrokerLayout layout;
    private final BrokerJvm jvm;
    private final PidFile pidFile;
    private final ScramTlsNodes login;

    /** The default broker of a repository: {@code <home>/var/kafka-secure} on ports 9094 and 9095. */
    public SecureBroker(Path home) {
        this(home, home.resolve("var/kafka-secure"), DEFAULT_CLIENT_PORT, DEFAULT_CONTROLLER_PORT);
    }

    /**
     * @param home the repository root, for Kafka's jars and the log4j configuration
     * @param dir where this broker's files live
     */
    public SecureBroker(Path home, Path dir, int clientPort, int controllerPort) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.clientPort = clientPort;
        this.controllerPort = controllerPort;
        this.layout = BrokerLayout.secure(Objects.requireNonNull(home, "home"), this.dir);
        this.jvm = new BrokerJvm(layout);
        this.pidFile = new PidFile(layout.pidFile(), layout.renderedConfig());
        this.login = new ScramTlsNodes(this.dir);
    }

    public String bootstrap() {
        return "127.0.0.1:" + clientPort;
    }

    /** The admin's Kafka client configuration, written by {@link #start}. */
    public Path adminConfig() {
        return dir.resolve("admin.properties");
    }

    /**
     * Ensures the broker runs and answers the admin, and returns its bootstrap address. On first
     * use makes the certificates, the passwords and the storage (with the SCRAM users
     * {@code admin} and {@code broker}). Blocks for at most about {@code timeout}.
     *
     * @throws BrokerException if Kafka's jars are missing, keytool or formatting fails, the broker
     *     exits during start or does not answer in time (the message ends with broker.log's tail)
     */
    public synchronized String start(Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        Optional<ProcessHandle> running = pidFile.liveBroker();
        if (running.isPresent()) {
            awaitReady(running.get(), deadline, false);
            return bootstrap();
        }
        layout.requireKafkaLib();
        Secrets secrets = Secrets.loadOrCreate(dir);
        Certificates certificates = new Certificates(dir.resolve("tls"), secrets.storePassword());
        if (certificates.ensure()) {
            log.info("[secure-broker {}] Made a CA and the broker certificate in {}", dir, dir.resolve("tls"));
        }
        SecureServerConfig config = new SecureServerConfig(clientPort, controllerPort, certificates,
                secrets.brokerPassword(), layout.logDirs());
        try {
            Files.createDirectories(layout.logsDir());
            Files.deleteIfExists(layout.brokerLog());
        } catch (IOException e) {
            throw new BrokerException("Cannot prepare " + dir + ": " + e, e);
        }
        Secrets.writeOwnerOnly(layout.renderedConfig(), config.render());
        Secrets.writeOwnerOnly(adminConfig(), clientConfig(bootstrap(), certificates, SecureServerConfig.ADMIN_USER,
                secrets.adminPassword()));
        if (!layout.isFormatted()) {
            jvm.formatStorage(Uuid.randomUuid().toString(), SecureServerConfig.scramUsersAtFormat(secrets), deadline);
        }
        ProcessHandle broker = jvm.startBroker();
        pidFile.write(broker.pid());
        awaitReady(broker, deadline, true);
        log.info("[secure-broker {}] Started pid {} at {}", dir, broker.pid(), bootstrap());
        return bootstrap();
    }

    /** SIGTERM, then SIGKILL after {@code timeout}; nothing when no broker runs. */
    public synchronized void stop(Duration timeout) {
        Optional<ProcessHandle> running = pidFile.liveBroker();
        if (running.isPresent() && !Termination.terminate(running.get(), timeout)) {
            throw new BrokerException("Secure broker pid " + running.get().pid() + " is still alive after SIGKILL");
        }
        pidFile.delete();
    }

    public boolean running() {
        return pidFile.liveBroker().isPresent();
    }

    /**
     * A Kafka client configuration for {@code user} on a secure broker whose CA is in
     * {@code certificates}: SASL_SSL, SCRAM-SHA-512, the CA as truststore, host name checked.
     */
    public static String clientConfig(String bootstrap, Certificates certificates, String user, String password) {
        return SecureServerConfig.clientConfig(bootstrap, certificates, user, password);
    }

    /** Until the admin's describeCluster lists the broker; stops a broker this call started if it is late. */
    private void awaitReady(ProcessHandle broker, Deadline deadline, boolean startedHere) {
        boolean ready;
        try {
            ready = ReadinessProbe.awaitNode(bootstrap(), login.login(), 1, broker, deadline);
        } catch (BrokerException notReady) {
            if (startedHere) {
                Termination.kill(broker);
                pidFile.delete();
            }
            throw new BrokerException("The secure broker: " + notReady.getMessage() + (startedHere ? "; it has been stopped" : "")
                    + ". Last lines of " + layout.brokerLog() + ":\n" + jvm.brokerLogTail(), notReady);
        }
        if (!ready) {
            pidFile.delete();
            throw new BrokerException("The secure broker exited during start; last lines of " + layout.brokerLog() + ":\n"
                    + jvm.brokerLogTail());
        }
    }
}
