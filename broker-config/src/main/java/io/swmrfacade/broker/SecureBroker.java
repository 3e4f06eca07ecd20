package io.swmrfacade.broker;

import io.swmrfacade.broker.internal.Certificates;
import io.swmrfacade.broker.internal.PidFile;
import io.swmrfacade.broker.internal.SecureServerConfig;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-node Kafka broker (KRaft) that only authenticated, authorized clients can use: SASL_SSL
 * with SCRAM-SHA-512 on 127.0.0.1, a private CA and broker certificate made on first use with
 * the JDK's keytool, the StandardAuthorizer with {@code allow.everyone.if.no.acl.found=false},
 * and the super user {@code admin}, whose SCRAM credentials are written at format time.
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
    private static final Duration STOP_KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";

    private final Path home;
    private final Path dir;
    private final int clientPort;
    private final int controllerPort;
    private final PidFile pidFile;

    /** The default broker of a repository: {@code <home>/var/kafka-secure} on ports 9094 and 9095. */
    public SecureBroker(Path home) {
        this(home, home.resolve("var/kafka-secure"), DEFAULT_CLIENT_PORT, DEFAULT_CONTROLLER_PORT);
    }

    /**
     * @param home the repository root, for Kafka's jars and the log4j configuration
     * @param dir where this broker's files live
     */
    public SecureBroker(Path home, Path dir, int clientPort, int controllerPort) {
        this.home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.clientPort = clientPort;
        this.controllerPort = controllerPort;
        this.pidFile = new PidFile(this.dir.resolve("broker.pid"), serverProperties());
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
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ProcessHandle> running = pidFile.liveBroker();
        if (running.isPresent()) {
            awaitReady(running.get(), deadline);
            return bootstrap();
        }
        Path kafkaLib = home.resolve("broker-config/target/kafka-lib");
        if (!Files.isDirectory(kafkaLib)) {
            throw new BrokerException("No Kafka jars in " + kafkaLib + "; build first (mvn -pl broker-config package)");
        }
        Properties secrets = secrets();
        Certificates certificates = new Certificates(dir.resolve("tls"), secrets.getProperty("store.password"));
        if (certificates.ensure()) {
            log.info("[secure-broker {}] Made a CA and the broker certificate in {}", dir, dir.resolve("tls"));
        }
        SecureServerConfig config = new SecureServerConfig(clientPort, controllerPort, certificates,
                secrets.getProperty("broker.password"), dir.resolve("data"));
        try {
            Files.createDirectories(dir.resolve("logs"));
            Files.deleteIfExists(brokerLog());
            writeOwnerOnly(serverProperties(), config.render());
            writeOwnerOnly(adminConfig(), clientConfig(bootstrap(), certificates, SecureServerConfig.ADMIN_USER,
                    secrets.getProperty("admin.password")));
        } catch (IOException e) {
            throw new BrokerException("Cannot write the configuration in " + dir + ": " + e, e);
        }
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            format(kafkaLib, secrets, deadline);
        }
        ProcessHandle broker = launch(kafkaLib, List.of("-Xms256m", "-Xmx1g"), List.of(PidFile.KAFKA_MAIN_CLASS,
                serverProperties().toString())).toHandle();
        pidFile.write(broker.pid());
        awaitReady(broker, deadline);
        log.info("[secure-broker {}] Started pid {} at {}", dir, broker.pid(), bootstrap());
        return bootstrap();
    }

    /** SIGTERM, then SIGKILL after {@code timeout}; nothing when no broker runs. */
    public synchronized void stop(Duration timeout) {
        Optional<ProcessHandle> running = pidFile.liveBroker();
        if (running.isPresent()) {
            ProcessHandle broker = running.get();
            broker.destroy();
            if (!awaitExit(broker, timeout)) {
                broker.destroyForcibly();
                if (!awaitExit(broker, STOP_KILL_TIMEOUT)) {
                    throw new BrokerException("Secure broker pid " + broker.pid() + " is still alive after SIGKILL");
                }
            }
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
        return String.join("\n", List.of(
                "# Kafka client configuration of the SCRAM user " + user + " (sf --config, kafka-*.sh --command-config).",
                "bootstrap.servers=" + bootstrap,
                "security.protocol=SASL_SSL",
                "sasl.mechanism=" + SecureServerConfig.MECHANISM,
                "sasl.jaas.config=" + SecureServerConfig.jaas(user, password),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + certificates.truststore().toString().replace("\\", "\\\\"),
                "ssl.truststore.password=" + certificates.password(),
                "ssl.endpoint.identification.algorithm=https",
                ""));
    }

    private Path serverProperties() {
        return dir.resolve("server.properties");
    }

    private Path brokerLog() {
        return dir.resolve("broker.log");
    }

    /** The generated passwords, made once (random, hex) and kept owner-only. */
    private Properties secrets() {
        Path file = dir.resolve("secrets.properties");
        Properties secrets = new Properties();
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file)) {
                    secrets.load(in);
                }
                return secrets;
            }
            for (String key : List.of("store.password", "admin.password", "broker.password")) {
                secrets.setProperty(key, randomPassword());
            }
            Path tmp = dir.resolve("secrets.properties.tmp");
            try (Writer out = Files.newBufferedWriter(tmp)) {
                secrets.store(out, "Passwords of the secure local broker; keep this file private");
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file);
            return secrets;
        } catch (IOException e) {
            throw new BrokerException("Cannot read or write " + file + ": " + e, e);
        }
    }

    private void format(Path kafkaLib, Properties secrets, long deadline) {
        List<String> args = new ArrayList<>(List.of(STORAGE_TOOL, "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", serverProperties().toString()));
        for (Map.Entry<String, String> user : Map.of(SecureServerConfig.ADMIN_USER, "admin.password",
                SecureServerConfig.BROKER_USER, "broker.password").entrySet()) {
            args.add("--add-scram");
            args.add(SecureServerConfig.MECHANISM + "=[name=" + user.getKey() + ",password="
                    + secrets.getProperty(user.getValue()) + "]");
        }
        Process tool = launch(kafkaLib, List.of(), args);
        try {
            if (!tool.waitFor(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS)) {
                tool.destroyForcibly();
                throw new BrokerException("Formatting " + dir.resolve("data") + " did not finish in time; see " + brokerLog());
            }
        } catch (InterruptedException e) {
            tool.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while formatting " + dir.resolve("data"), e);
        }
        if (tool.exitValue() != 0) {
            throw new BrokerException("Formatting " + dir.resolve("data") + " failed (exit code " + tool.exitValue()
                    + "):\n" + brokerLogTail());
        }
    }

    private Process launch(Path kafkaLib, List<String> jvmOptions, List<String> mainAndArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlog4j2.configurationFile=" + home.resolve("broker-config/local/log4j2.xml"));
        command.add("-Dkafka.logs.dir=" + dir.resolve("logs"));
        command.add("-Dlog4j2.shutdownHookEnabled=false");
        command.add("-cp");
        command.add(kafkaLib + File.separator + "*");
        command.addAll(mainAndArgs);
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // Its own session: a Ctrl-C in the starting terminal does not stop the broker.
            command.add(0, "/usr/bin/setsid");
        }
        try {
            return new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog().toFile()))
                    .start();
        } catch (IOException e) {
            throw new BrokerException("Cannot run java for the secure broker: " + e, e);
        }
    }

    /** Until the admin's describeCluster succeeds; stops a broker that exits or is late. */
    private void awaitReady(ProcessHandle broker, long deadline) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(adminConfig())) {
            p.load(in);
        } catch (IOException e) {
            throw new BrokerException("Cannot read " + adminConfig() + ": " + e, e);
        }
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        String lastError = "no answer";
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() - deadline < 0) {
                if (!broker.isAlive()) {
                    pidFile.delete();
                    throw new BrokerException("The secure broker exited during start; last lines of " + brokerLog() + ":\n"
                            + brokerLogTail());
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).clusterId().get(4, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    lastError = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                    sleep(200);
                }
            }
        }
        stop(STOP_KILL_TIMEOUT);
        throw new BrokerException("The secure broker at " + bootstrap() + " did not answer in time (" + lastError
                + "); it has been stopped. Last lines of " + brokerLog() + ":\n" + brokerLogTail());
    }

    private String brokerLogTail() {
        try {
            List<String> lines = Files.readAllLines(brokerLog());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + brokerLog() + ": " + e + ")";
        }
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return !process.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the secure broker", e);
        }
    }
}
