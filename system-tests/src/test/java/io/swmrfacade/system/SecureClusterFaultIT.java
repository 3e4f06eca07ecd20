package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.writer.WriterConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product on the secure three-node cluster of {@code sf broker start --secure --nodes 3}
 * (three broker JVMs: SASL_SSL with SCRAM-SHA-512, TLS, ACLs, replication 3, min ISR 2): a client
 * and a writer user made by {@code sf users add}, each working under its own principal while the
 * broker leading most task partitions is killed with SIGKILL. {@code -Dsf.secure.tasks=N} runs
 * more tasks than CI's 200 (plus those submitted
 * while the node is down).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureClusterFaultIT {

    private static final int TASKS = Integer.getInteger("sf.secure.tasks", 200);
    private static final int RATE = 20;
    private static final Duration COLLECT_TIMEOUT = Duration.ofSeconds(240);
    /** A CLI command's own JVM on a loaded 2-core machine, beyond the command's --timeout. */
    private static final Duration JVM_MARGIN = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static ClusterNodes nodes;

    @BeforeAll
    static void startSecureCluster() throws Exception {
        nodes = ClusterNodes.secure(dir);
    }

    @AfterAll
    static void stopCluster() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void submit_writer_collect_each_task_once_over_sasl_ssl_through_a_sigkill_of_the_busiest_leader() throws Exception {
        try (Installation sf = new Installation(nodes.bootstrap(), nodes.adminLogin(), "sfault", 6)) {
            String tenant = sf.prefix.substring(0, sf.prefix.length() - 1);
            Path writerConfig = addUser("sfault-writer", "writer", tenant);
            Path clientConfig = addUser("sfault-client", "client", tenant);
            Path file = dir.resolve("sfault.h5");
            Map<String, Object> settings = sf.writerSettings(file, "sfault-writer");
            settings.putAll(ClusterNodes.login(writerConfig));
            settings.put(WriterConfig.MAX_ATTEMPTS, 100);
            try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("secure-cluster-writer"));
                 TaskFacade facade = sf.facade().kafka(ClusterNodes.login(clientConfig)).build()) {
                Map<TaskId, Integer> expected = new ConcurrentHashMap<>();
                AtomicLong slowestSubmit = new AtomicLong();
                AtomicInteger submitted = new AtomicInteger();
                AtomicBoolean killed = new AtomicBoolean();
                AtomicBoolean restarted = new AtomicBoolean();
                java.util.concurrent.atomic.AtomicReference<String> slowestAt = new java.util.concurrent.atomic.AtomicReference<>();
                // Submits at RATE until TASKS are in and the killed node is back: tasks are in flight
                // at the kill and go on being submitted while the node is down, however long that is.
                Thread submitter = new Thread(() -> {
                    long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
                    long next = System.nanoTime();
                    for (int i = 0; i < TASKS || !restarted.get(); i++) {
                        long before = slowestSubmit.get();
                        ClusterFaultIT.submit(facade, expected, i, i + 1, slowestSubmit);
                        if (slowestSubmit.get() > before) {
                            slowestAt.set("task " + i + (killed.get() && !restarted.get() ? ", node down" : ""));
                        }
                        submitted.incrementAndGet();
                        next += interval;
                        LockSupport.parkNanos(next - System.nanoTime());
                    }
                }, "secure-submitter");
                submitter.start();

                ClusterFaultIT.awaitDone(sf, TASKS / 4);
                int leader = nodes.busiestLeaderOf(sf.prefix + "tasks");
                nodes.kill(leader);
                killed.set(true);
                int atKill = submitted.get();
                Duration back = nodes.restart(leader);
                int whileDown = submitted.get() - atKill;
                restarted.set(true);
                submitter.join(TimeUnit.MINUTES.toMillis(5));
                assertThat(submitter.isAlive()).as("submitter done").isFalse();
                System.out.println("SecureClusterFaultIT: node " + leader + " killed after " + atKill + " submitted tasks, back in "
                        + back.toMillis() + " ms; " + whileDown + " submitted while it was down, " + expected.size() + " in all");
                assertThat(whileDown).as("tasks submitted while the node was down").isPositive();

                Awaitility.await().atMost(COLLECT_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    writer.ensureRunning();
                    return facade.stats().withoutResult() == 0;
                });
                CollectResult all = facade.collect(Duration.ofSeconds(10));
                ClusterFaultIT.assertEveryTaskOnce(sf, file, all, expected);
                System.out.println("SecureClusterFaultIT: slowest submit " + slowestSubmit.get() / 1_000_000 + " ms (" + slowestAt.get() + ")");
                assertThat(slowestSubmit.get()).as("slowest submit, ns (" + slowestAt.get() + ")")
                        .isLessThan(ClusterFaultIT.SUBMIT_BOUND.toNanos());
                assertThat(writer.starts()).as("the writer never stopped on its own (see " + writer.log() + ")").isEqualTo(1);
                assertThat(writer.terminate(30)).as("clean stop").isTrue();
            }
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void an_unauthenticated_client_is_rejected_with_one_line_and_none_of_its_tasks_reach_the_cluster() throws Exception {
        try (Installation sf = new Installation(nodes.bootstrap(), nodes.adminLogin(), "snoauth", 3)) {
            Cli submit = cli(Duration.ofSeconds(10).plus(JVM_MARGIN), "submit", "--bootstrap", nodes.bootstrap(),
                    "--topic-prefix", sf.prefix, "--type", "echo", "--payload", "intruder", "--timeout", "10s");

            assertThat(submit.exit()).as(submit.toString()).isEqualTo(4);
            List<String> errors = submit.err().lines().filter(l -> l.startsWith("sf ")).toList();
            assertThat(errors).as(submit.toString()).hasSize(1);
            assertThat(errors.get(0)).startsWith("sf submit: 1 of 1 tasks were not confirmed by the broker at " + nodes.bootstrap());
            assertThat(submit.err()).doesNotContain("\tat ");
            String task = submit.out().lines().filter(l -> l.startsWith("task ")).findFirst().orElseThrow().substring(5);
            assertThat(ClientTopics.readAll(sf.bootstrap, sf.login, sf.prefix + "tasks", r -> isTask(r.value(), task), true))
                    .as("the rejected client's task on the cluster").isEmpty();
        }
    }

    private static boolean isTask(byte[] value, String taskId) {
        try {
            return TaskRequest.parseFrom(value).getTaskId().equals(taskId);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not a TaskRequest", e);
        }
    }

    /** {@code sf users add NAME --role ROLE --tenant T} as the cluster's admin; returns the user's client config. */
    private static Path addUser(String name, String role, String tenant) throws Exception {
        Path config = dir.resolve(name + ".properties");
        Cli add = cli(Duration.ofSeconds(60).plus(JVM_MARGIN), "users", "add", name, "--role", role, "--tenant", tenant,
                "--config", nodes.adminConfig().toString(), "--out", config.toString());
        assertThat(add.exit()).as(add.toString()).isZero();
        return config;
    }

    record Cli(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /**
     * The sf command line ({@code io.swmrfacade.cli.Main}) in a JVM of its own, killed after
     * {@code limit}. With the JVM's default heap, as bin/sf starts it: a plaintext Kafka client
     * reads a TLS alert as the length of a 350 MB response and allocates it (KAFKA-4090), which a
     * small heap turns into an OutOfMemoryError.
     */
    private static Cli cli(Duration limit, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.swmrfacade.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("sf " + String.join(" ", args) + " did not end within " + limit);
        }
        return new Cli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
