package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.coordinator.TopicCheck;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
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
 * The product on a real three-node cluster (three broker JVMs, replication 3, min ISR 2) whose
 * brokers are killed with SIGKILL while work is in flight. {@code -Dsf.cluster.tasks=20000
 * -Dsf.cluster.rate=200} runs the full count; CI runs a smaller one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultIT {

    private static final int TASKS = Integer.getInteger("sf.cluster.tasks", 1_200);
    private static final int RATE = Integer.getInteger("sf.cluster.rate", 20);
    /**
     * A submit that waited on the network would wait as long as a broker takes to come back (tens
     * of seconds); the bound leaves room for CPU starvation on a loaded 2-core machine (675 ms
     * seen there while five test suites ran) and for GC pauses.
     */
    static final Duration SUBMIT_BOUND = Duration.ofSeconds(2);
    private static final Duration COLLECT_TIMEOUT = Duration.ofSeconds(240);

    @TempDir
    static Path dir;

    private static ClusterNodes nodes;

    @BeforeAll
    static void startCluster() throws Exception {
        nodes = new ClusterNodes(dir);
    }

    @AfterAll
    static void stopCluster() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void coordinator_gives_every_topic_three_replicas_and_min_isr_2_and_reports_a_topic_replicated_less() throws Exception {
        String prefix = SharedKafka.freshPrefix("repl");
        try (Admin admin = admin(nodes.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(prefix + "results", 6, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        try (Coordinator coordinator = coordinator(nodes.bootstrap(), prefix)) {
            TopicCheck tasks = check(coordinator.topicChecks(), prefix + "tasks");
            assertThat(tasks.created()).isTrue();
            assertThat(tasks.ok()).as(tasks.problems().toString()).isTrue();
            assertThat(check(coordinator.topicChecks(), prefix + "results").problems())
                    .anyMatch(p -> p.equals("has replication factor 1, fewer than the 3 a cluster of 3 brokers allows:"
                            + " losing one broker stops or loses it; recreate it with replication factor 3"));
            assertThat(coordinator.brokerTopicChecks()).extracting(TopicCheck::topic)
                    .containsExactly("__consumer_offsets", "__transaction_state");
            assertThat(coordinator.brokerTopicChecks()).allSatisfy(c -> assertThat(c.problems()).isEmpty());
        }
        assertReplication(nodes.bootstrap(), prefix + "tasks", 3, "2");
        // The same coordinator on the single shared broker: one replica, min ISR 1.
        String single = SharedKafka.freshPrefix("repl1");
        try (Coordinator coordinator = coordinator(SharedKafka.bootstrap(), single)) {
            assertThat(coordinator.topicChecks()).allSatisfy(c -> assertThat(c.problems()).isEmpty());
        }
        assertReplication(SharedKafka.bootstrap(), single + "tasks", 1, "1");
    }

    @Test
    @Order(2)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void a_mixed_run_loses_and_duplicates_nothing_through_three_leader_kills_two_writer_kills_and_a_client_kill()
            throws Exception {
        try (Installation sf = new Installation(nodes.bootstrap(), "cfault", 6)) {
            Path file = dir.resolve("cfault.h5");
            Map<String, Object> settings = sf.writerSettings(file, "cfault-writer");
            // Kills are not the tasks' fault: no task may be failed as a poison task because of them.
            settings.put(WriterConfig.MAX_ATTEMPTS, 100);
            try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("cluster-fault-writer"))) {
                Map<TaskId, Integer> indexOf = new ConcurrentHashMap<>();
                Process clientA = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                        "-cp", System.getProperty("java.class.path"), ClusterSubmitterMain.class.getName(), sf.bootstrap, sf.prefix,
                        String.valueOf(TASKS), String.valueOf(RATE))
                        .redirectError(ProcessBuilder.Redirect.appendTo(WriterEvidence.logFile("cluster-fault-client").toFile())).start();
                SessionId session;
                Thread pump;
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(clientA.getInputStream(), StandardCharsets.UTF_8));
                    String first = out.readLine();
                    assertThat(first).as("first line of the client").startsWith("SESSION ");
                    session = new SessionId(first.substring("SESSION ".length()));
                    pump = new Thread(() -> out.lines().forEach(line -> {
                        String[] w = line.split(" ");
                        if (w[0].equals("SUBMITTED")) {
                            indexOf.put(new TaskId(w[1]), Integer.parseInt(w[2]));
                        }
                    }));
                    pump.start();

                    // The client dies first, with part of its tasks submitted; another process resumes its session.
                    Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> indexOf.size() >= TASKS / 10);
                    clientA.destroyForcibly();
                    assertThat(clientA.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    pump.join(10_000);
                    // The kernel still sends what the dead client left in its sockets: let that land first.
                    ClientTopics.awaitQuiet(sf.bootstrap, sf.prefix + "tasks", Duration.ofSeconds(1), Duration.ofSeconds(60));

                    Map<TaskId, Integer> expected = new HashMap<>(tasksOnBroker(sf, session, indexOf));
                    assertThat(expected.size()).as("the client was killed mid-run").isLessThan(TASKS);
                    try (TaskFacade resumed = sf.facade().resume(session).build()) {
                        AtomicLong slowestSubmit = new AtomicLong();
                        AtomicInteger submittedByResumed = new AtomicInteger();
                        java.util.concurrent.atomic.AtomicBoolean chaosDone = new java.util.concurrent.atomic.AtomicBoolean();
                        Thread submitter = new Thread(() -> submitUntil(resumed, expected, chaosDone, submittedByResumed, slowestSubmit),
                                "resumed-submitter");
                        submitter.start();
                        List<Duration> restarts = new ArrayList<>();
                        List<Integer> submittedWhileDown = new ArrayList<>();
                        awaitDone(sf, TASKS / 5);
                        writer.kill9AndRestart();
                        for (int kill = 0; kill < 3; kill++) {
                            int before = submittedByResumed.get();
                            restarts.add(killAndRestartBusiestLeader(sf));
                            submittedWhileDown.add(submittedByResumed.get() - before);
                            if (kill == 0) {
                                writer.kill9AndRestart();
                            }
                        }
                        chaosDone.set(true);
                        submitter.join(TimeUnit.MINUTES.toMillis(10));
                        System.out.println("ClusterFaultIT: broker restarts after SIGKILL took " + restarts
                                + "; tasks submitted while each broker was down: " + submittedWhileDown
                                + "; tasks in all: " + expected.size());
                        assertThat(submittedWhileDown).as("work went on while each broker was down").allMatch(n -> n > 0);

                        // As a process supervisor would, restart the writer if it stopped on its own: counted below.
                        Awaitility.await().atMost(COLLECT_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                            writer.ensureRunning();
                            return resumed.stats().withoutResult() == 0;
                        });
                        long start = System.nanoTime();
                        CollectResult all = resumed.collect(Duration.ofSeconds(5));
                        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
                        assertEveryTaskOnce(sf, file, all, expected);
                        System.out.println("ClusterFaultIT: slowest submit " + slowestSubmit.get() / 1_000_000 + " ms");
                        assertThat(slowestSubmit.get()).as("slowest submit, ns").isLessThan(SUBMIT_BOUND.toNanos());
                        assertThat(writer.starts()).as("writer starts: the first, and one after each of the 2 kills; more means"
                                + " it stopped on its own when a broker died (see " + writer.log() + ")").isEqualTo(3);
                        assertThat(writer.terminate(30)).as("clean stop").isTrue();
                    }
                } finally {
                    clientA.destroyForcibly();
                }
            }
        }
    }

    @Test
    @Order(3)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void with_two_of_three_brokers_down_submit_buffers_writers_wait_and_everything_completes_once_one_returns()
            throws Exception {
        try (Installation sf = new Installation(nodes.bootstrap(), "cdown", 6)) {
            Path file = dir.resolve("cdown.h5");
            Map<String, Object> settings = sf.writerSettings(file, "cdown-writer");
            settings.put(WriterConfig.MAX_ATTEMPTS, 100);
            try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("cluster-down-writer"));
                 TaskFacade facade = sf.facade().build()) {
                Map<TaskId, Integer> expected = new HashMap<>();
                int firstDown = nodes.busiestLeaderOf(sf.prefix + "tasks");
                nodes.kill(firstDown);
                // One node down: min ISR 2 of 3 is still met, work goes on.
                submit(facade, expected, 0, 100, new AtomicLong());
                CollectResult oneDown = facade.collect(COLLECT_TIMEOUT);
                assertThat(oneDown.missing()).as("missing with one broker down").isEmpty();

                int secondDown = nodes.status().nodes().stream().filter(n -> n.running() && n.node() != firstDown)
                        .findFirst().orElseThrow().node();
                nodes.kill(secondDown);
                AtomicLong slowestSubmit = new AtomicLong();
                submit(facade, expected, 100, 200, slowestSubmit);
                System.out.println("ClusterFaultIT: slowest submit with 2 of 3 brokers down " + slowestSubmit.get() / 1_000_000 + " ms");
                assertThat(slowestSubmit.get()).as("slowest submit with 2 of 3 brokers down, ns").isLessThan(SUBMIT_BOUND.toNanos());
                long start = System.nanoTime();
                CollectResult stalled = facade.collect(Duration.ofSeconds(10));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("collect keeps to its timeout").isLessThan(Duration.ofSeconds(12));
                assertThat(stalled.missing()).as("nothing completes while min ISR cannot be met").hasSize(100);
                assertThat(facade.stats().buffered()).as("submitted tasks wait in the facade's buffer").isPositive();

                Duration back = nodes.restart(secondDown);
                System.out.println("ClusterFaultIT: node " + secondDown + " back in " + back.toMillis() + " ms");
                // With min ISR unmet for as long as a node takes to restart, a writer may give up a commit whose
                // outcome it cannot learn and stop; as a process supervisor would, the test restarts it.
                Awaitility.await().atMost(COLLECT_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    writer.ensureRunning();
                    return facade.stats().withoutResult() == 0;
                });
                System.out.println("ClusterFaultIT: writer starts through the two-node outage: " + writer.starts());
                CollectResult all = facade.collect(Duration.ofSeconds(5));
                nodes.restart(firstDown);
                assertEveryTaskOnce(sf, file, all, expected);
                assertThat(writer.terminate(30)).as("clean stop").isTrue();
            }
        }
    }

    /** SIGKILLs the node leading the most task partitions, starts it again, and returns how long that took. */
    private static Duration killAndRestartBusiestLeader(Installation sf) throws Exception {
        int node = nodes.busiestLeaderOf(sf.prefix + "tasks");
        nodes.kill(node);
        Duration took = nodes.restart(node);
        return took;
    }

    static void awaitDone(Installation sf, long tasks) {
        Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> sf.coordinator.summary().byState().getOrDefault("OK", 0L) >= tasks);
    }

    /** The dead client's tasks that the broker holds, with their indexes; one it never printed is the next index. */
    private static Map<TaskId, Integer> tasksOnBroker(Installation sf, SessionId session, Map<TaskId, Integer> printed) {
        Map<TaskId, Integer> onBroker = new HashMap<>();
        int lastPrinted = printed.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        AtomicInteger unprinted = new AtomicInteger();
        ClientTopics.readAll(sf.bootstrap, sf.prefix + "tasks", r -> true).forEach(r -> {
            try {
                TaskRequest t = TaskRequest.parseFrom(r.value());
                if (t.getSessionId().equals(session.value())) {
                    TaskId id = new TaskId(t.getTaskId());
                    Integer index = printed.get(id);
                    if (index == null) {
                        unprinted.incrementAndGet();
                        index = lastPrinted + 1;
                    }
                    assertThat(onBroker.put(id, index)).as("task %s once on the broker", id).isNull();
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError("not a TaskRequest", e);
            }
        });
        // One thread submits: at most the submit under way at the kill reached the broker unprinted.
        assertThat(unprinted.get()).isLessThanOrEqualTo(1);
        return onBroker;
    }

    /**
     * Submits, in order and at RATE per second, every index the broker does not hold, on past
     * TASKS until {@code done}: the run outlasts the kills however long the restarts take.
     */
    static void submitUntil(TaskFacade facade, Map<TaskId, Integer> expected, java.util.concurrent.atomic.AtomicBoolean done,
            AtomicInteger submitted, AtomicLong slowest) {
        java.util.Set<Integer> held;
        synchronized (expected) {
            held = new java.util.HashSet<>(expected.values());
        }
        long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
        long next = System.nanoTime();
        for (int i = 0; i < TASKS || !done.get(); i++) {
            if (held.contains(i)) {
                continue;
            }
            submit(facade, expected, i, i + 1, slowest);
            submitted.incrementAndGet();
            next += interval;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    static void submit(TaskFacade facade, Map<TaskId, Integer> expected, int from, int to, AtomicLong slowest) {
        for (int i = from; i < to; i++) {
            long start = System.nanoTime();
            TaskHandle h = facade.submit(MixedTasks.task(i));
            slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
            synchronized (expected) {
                expected.put(h.id(), i);
            }
        }
    }

    /**
     * Every task has exactly one result with the right output; every index ran once; the
     * committed results topic holds each task once; the file holds each task once and the
     * stream's samples are exactly 0, 1, 2, ... in order.
     */
    static void assertEveryTaskOnce(Installation sf, Path file, CollectResult all, Map<TaskId, Integer> expected)
            throws Exception {
        assertThat(all.missing()).isEmpty();
        assertThat(all.results()).extracting(TaskResult::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (TaskResult r : all.results()) {
            assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.OK);
            assertThat(r.outputText()).as("output of task %d", expected.get(r.id()))
                    .isEqualTo(MixedTasks.expectedOutput(expected.get(r.id()), r.id()));
        }
        int count = expected.size();
        assertThat(expected.values()).as("every index once").doesNotHaveDuplicates().hasSize(count)
                .allMatch(i -> i >= 0 && i < count);
        Map<String, List<io.swmrfacade.proto.v1.TaskResult>> committed = WriterEvidence.committedResults(sf);
        if (!committed.keySet().equals(expected.keySet().stream().map(TaskId::value).collect(java.util.stream.Collectors.toSet()))) {
            WriterEvidence.printResultsPostMortem(sf);
        }
        assertThat(committed.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet().stream().map(TaskId::value).toList());
        committed.forEach((id, list) -> assertThat(list).as("committed results of %s", id).hasSize(1));
        assertThat(WriterEvidence.rows(file)).extracting(io.swmrfacade.swmr.TaskRow::taskId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.keySet().stream().map(TaskId::value).toList());
        try (io.swmrfacade.swmr.SwmrFollower f = io.swmrfacade.swmr.SwmrFollower.tryOpen(file)) {
            f.poll();
            java.nio.ByteBuffer samples = java.nio.ByteBuffer.wrap(f.readSamplesAcrossSegments(MixedTasks.STREAM))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int n = MixedTasks.appendsBefore(count) * MixedTasks.SAMPLES;
            assertThat(samples.remaining()).isEqualTo(4 * n);
            for (int i = 0; i < n; i++) {
                assertThat(samples.getFloat()).as("%s[%d]", MixedTasks.STREAM, i).isEqualTo((float) i);
            }
        }
    }

    private static Coordinator coordinator(String bootstrap, String prefix) {
        Map<String, Object> c = new HashMap<>();
        c.put(ClusterConfig.BOOTSTRAP, bootstrap);
        c.put(ClusterConfig.TOPIC_PREFIX, prefix);
        return Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(60));
    }

    private static TopicCheck check(List<TopicCheck> checks, String topic) {
        return checks.stream().filter(c -> c.topic().equals(topic)).findFirst().orElseThrow();
    }

    private static void assertReplication(String bootstrap, String topic, int replicas, String minIsr) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(replicas));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get("min.insync.replicas").value()).isEqualTo(minIsr);
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
