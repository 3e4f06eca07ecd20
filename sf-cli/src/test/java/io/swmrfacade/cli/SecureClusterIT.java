package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.broker.SecureBroker;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole installation over SASL_SSL on a real secure broker process ({@code SecureBroker} on
 * free ports): users made by {@code sf users add}, every role under its own principal with only
 * its role's ACLs, and two tenants that cannot reach each other's tasks or results.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureClusterIT {

    /** Beyond a command's own --timeout: a JVM start on a loaded 2-core machine. */
    private static final Duration JVM_MARGIN = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private static SecureBroker broker;
    private static Path admin;
    private static final List<Process> roles = new ArrayList<>();

    @BeforeAll
    static void startSecureInstallation() throws Exception {
        broker = new SecureBroker(SfProcesses.HOME, dir.resolve("broker"), freePort(), freePort());
        broker.start(Duration.ofSeconds(120));
        admin = broker.adminConfig();
        for (String[] user : new String[][] {{"adm-a", "admin", "a"}, {"adm-b", "admin", "b"}, {"w-a", "writer", "a"},
                {"w-b", "writer", "b"}, {"r-a", "reader", "a"}, {"alice", "client", "a"}, {"bob", "client", "b"}}) {
            Run add = sf(Duration.ofSeconds(60), "users", "add", user[0], "--role", user[1], "--tenant", user[2],
                    "--config", admin.toString(), "--out", config(user[0]).toString());
            assertThat(add.exit()).as(add.toString()).isZero();
        }
        for (String tenant : List.of("a", "b")) {
            Run check = sf(Duration.ofSeconds(60), "coordinator", "--check", "--config", config("adm-" + tenant).toString());
            assertThat(check.exit()).as(check.toString()).isZero();
            roles.add(start("writer-" + tenant, "writer", "--config", config("w-" + tenant).toString(),
                    "--file", dir.resolve(tenant + ".h5").toString(), "--id", "w-" + tenant));
        }
        roles.add(start("reader-a", "reader", "--config", config("r-a").toString(), "--file", dir.resolve("a.h5").toString(),
                "--id", "r-a"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (Process p : roles) {
            p.destroy();
        }
        for (Process p : roles) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (broker != null) {
            broker.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    @Order(1)
    void submit_writer_collect_pass_over_sasl_ssl_each_role_under_its_own_principal() throws Exception {
        Run alice = sf(Duration.ofSeconds(150), "submit", "--config", config("alice").toString(), "--type", "echo",
                "--payload", "from-alice", "--count", "20", "--wait", "--timeout", "120s");

        assertThat(alice.exit()).as(alice.toString()).isZero();
        assertThat(alice.out()).contains("20 results {OK=20}, 0 missing");
        assertThat(alice.out().lines().filter(l -> l.endsWith("from-alice")).count()).isEqualTo(20);
    }

    @Test
    @Order(2)
    void the_reader_publishes_to_its_tenants_monitor_topic_under_its_own_principal() throws Exception {
        Properties p = load(config("adm-a"));
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("a.monitor", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> keys = new ArrayList<>();
            while (keys.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    keys.add(r.key());
                }
            }
            assertThat(keys).contains("r-a");
        }
    }

    @Test
    @Order(3)
    void tenant_a_cannot_read_tenant_bs_results_and_none_of_bs_data_reaches_it() throws Exception {
        Run bob = sf(Duration.ofSeconds(150), "submit", "--config", config("bob").toString(), "--type", "echo",
                "--payload", "secret-of-b", "--count", "3", "--wait", "--timeout", "120s");
        assertThat(bob.exit()).as(bob.toString()).isZero();
        assertThat(bob.out()).contains("3 results {OK=3}");
        String session = bob.out().lines().filter(l -> l.startsWith("session ")).findFirst().orElseThrow()
                .split("[ :]")[1];

        Run alice = sf(Duration.ofSeconds(30), "collect", "--config", config("alice").toString(), "--topic-prefix", "b.",
                "--session", session, "--timeout", "20s");

        assertThat(alice.exit()).as(alice.toString()).isEqualTo(Main.ERROR);
        assertThat(alice.err()).contains("sf collect: error: cannot read the results of session " + session + " in b.results")
                .contains("Not authorized to access topics: [b.results]").doesNotContain("\tat ");
        assertThat(alice.out() + alice.err()).doesNotContain("secret-of-b");
        assertThat(alice.seconds()).isLessThan(20 + JVM_MARGIN.toSeconds());
    }

    @Test
    @Order(4)
    void tenant_a_cannot_submit_into_tenant_bs_tasks() throws Exception {
        Run alice = sf(Duration.ofSeconds(60), "submit", "--config", config("alice").toString(), "--topic-prefix", "b.",
                "--type", "echo", "--payload", "intruder", "--timeout", "20s");

        assertThat(alice.exit()).as(alice.toString()).isEqualTo(Main.ERROR);
        assertThat(alice.err()).contains("Not authorized to access topics: [b.tasks]").doesNotContain("\tat ");
    }

    @Test
    @Order(5)
    void a_wrong_password_gets_a_one_line_authentication_error_within_its_timeout() throws Exception {
        Path wrong = dir.resolve("wrong.properties");
        Files.writeString(wrong, Files.readString(config("alice")).replaceAll("password=\"[0-9a-f]+\"", "password=\"wrong\""));

        Run submit = sf(Duration.ofSeconds(60), "submit", "--config", wrong.toString(), "--type", "echo", "--payload", "x",
                "--timeout", "15s");

        assertThat(submit.exit()).as(submit.toString()).isEqualTo(Main.ERROR);
        assertThat(lastLine(submit.err())).startsWith("sf submit:").contains("Authentication failed");
        assertThat(submit.err()).doesNotContain("\tat ");
        assertThat(submit.seconds()).isLessThan(15 + JVM_MARGIN.toSeconds());
    }

    @Test
    @Order(6)
    void an_unauthenticated_client_is_rejected_with_one_line_within_its_timeout() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.properties"), "bootstrap.servers=" + broker.bootstrap() + "\n");

        Run submit = sf(Duration.ofSeconds(60), "submit", "--config", plain.toString(), "--topic-prefix", "a.",
                "--type", "echo", "--payload", "x", "--timeout", "10s");

        assertThat(submit.exit()).as(submit.toString()).isEqualTo(Main.ERROR);
        assertThat(lastLine(submit.err())).startsWith("sf submit: 1 of 1 tasks were not confirmed");
        assertThat(submit.err()).doesNotContain("\tat ");
        assertThat(submit.seconds()).isLessThan(10 + JVM_MARGIN.toSeconds());
    }

    private static Path config(String user) {
        return dir.resolve(user + ".properties");
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        p.remove("topic.prefix");
        p.remove("writer.group");
        return p;
    }

    record Run(int exit, String out, String err, double seconds) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + seconds + " s\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** {@code bin/sf args...} to its end (killed after {@code limit}). */
    private static Run sf(Duration limit, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        List<String> cmd = new ArrayList<>(List.of(SfProcesses.HOME.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(SfProcesses.HOME.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("sf " + String.join(" ", args) + " did not end within " + limit);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                (System.nanoTime() - start) / 1e9);
    }

    private static Process start(String name, String... args) throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        List<String> cmd = new ArrayList<>(List.of(SfProcesses.HOME.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(SfProcesses.HOME.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve("SecureClusterIT-" + name + ".log").toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
