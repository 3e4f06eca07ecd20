package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.coordinator.Summary;
import io.swmrfacade.monitor.InstallationMonitor;
import io.swmrfacade.monitor.InstallationView;
import io.swmrfacade.monitor.MonitorConfig;
import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's table against records written straight to a real broker, as clients and
 * writers write them (single and batched journal entries, results, malformed records), with a
 * small {@code coordinator.tasks.finished.kept} so that finished tasks leave the table while
 * the counts must stay exact: live, after a restart that folds the topics again, and in a monitor.
 */
class CoordinatorTableIT {

    private static final int KEPT = 40;
    private static final int BATCHED = 1_200;
    private static final int SINGLE = 800;
    private static final int OPEN = 150;
    private static final int RUNNING = 25;
    private static final int LATE = 120;
    private static final int ORPHANS = 60;
    private static final int MALFORMED = 5;

    @Test
    void counts_stay_exact_with_finished_tasks_forgotten_results_before_journal_and_a_restart() throws Exception {
        String prefix = SharedKafka.freshPrefix("table");
        Topics topics = new Topics(prefix);
        Map<String, Object> c = new HashMap<>();
        c.put(ClusterConfig.BOOTSTRAP, SharedKafka.bootstrap());
        c.put(ClusterConfig.TOPIC_PREFIX, prefix);
        c.put(CoordinatorConfig.PARTITIONS, 3);
        c.put(CoordinatorConfig.HTTP_PORT, 0);
        c.put(CoordinatorConfig.FINISHED_KEPT, KEPT);
        Map<String, Long> expected;
        try (Coordinator coordinator = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30))) {
            expected = produce(topics);
            Summary s = awaitCounts(coordinator, expected);
            int finished = BATCHED + SINGLE - OPEN + ORPHANS;
            assertThat(s.tasksHeld()).as("open tasks and at most twice the finished kept").isBetween((long) OPEN, (long) OPEN + 2 * KEPT);
            assertThat(s.tasksHeld() - OPEN + s.tasksForgotten()).isEqualTo(finished);
            // the malformed results are the last records: the journal may be read past them a poll later
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(coordinator.summary().malformed()).isEqualTo(MALFORMED));

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> open = get(http, coordinator, "s-" + (BATCHED + SINGLE - 1));
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.body()).contains("\"state\":\"SUBMITTED\"");
            HttpResponse<String> forgotten = get(http, coordinator, "b-0");
            assertThat(forgotten.statusCode()).isEqualTo(404);
            assertThat(forgotten.body()).contains("no task b-0 among the " + s.tasksHeld() + " held")
                    .contains("latest " + KEPT + " finished").contains(s.tasksForgotten() + " tasks that finished before them are counted")
                    .contains(CoordinatorConfig.FINISHED_KEPT);
        }
        // A restarted coordinator folds the topics again, in whatever order its fetches bring them.
        try (Coordinator again = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30))) {
            awaitCounts(again, expected);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(again.summary().malformed()).isEqualTo(MALFORMED));
        }
        Map<String, Object> m = new HashMap<>(Map.of(MonitorConfig.FINISHED_KEPT, KEPT));
        try (InstallationMonitor monitor = InstallationMonitor.start(MonitorProcesses.config(SharedKafka.bootstrap(), prefix, m),
                Clock.systemUTC())) {
            assertThat(monitor.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
            InstallationView v = monitor.view();
            assertThat(new TreeMap<>(v.tasksByState())).isEqualTo(expected);
            assertThat(v.tasks()).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    /**
     * Writes the topics and returns the counts by state they must give: tasks journaled in
     * batches and one by one, most finished, some results written before their journal entry,
     * results with no journal entry at all, open tasks (some started), and malformed records.
     */
    private static Map<String, Long> produce(Topics topics) throws Exception {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        Map<String, Long> expected = new TreeMap<>();
        TaskStatus[] statuses = {TaskStatus.OK, TaskStatus.OK, TaskStatus.OK, TaskStatus.FAILED, TaskStatus.REJECTED, TaskStatus.EXPIRED};
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            TaskEvent.Builder batch = null;
            for (int i = 0; i < BATCHED; i++) {
                if (batch == null) {
                    batch = TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED_BATCH).setSessionId("session-b").setAtUs(i);
                }
                batch.addSubmitted(JournaledTask.newBuilder().setTaskId("b-" + i).setSequence(i).setType("echo"));
                if (batch.getSubmittedCount() == 100 || i == BATCHED - 1) {
                    send(producer, topics.events(), "session-b", batch.build().toByteArray());
                    batch = null;
                }
            }
            int total = BATCHED + SINGLE;
            for (int i = BATCHED; i < total; i++) {
                String id = "s-" + i;
                boolean late = i < BATCHED + LATE;
                if (late) { // the result is on the topic before the journal entry
                    sendNow(producer, topics.results(), "session-s", result(id, statuses[i % statuses.length]));
                }
                send(producer, topics.events(), "session-s", TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED).setTaskId(id)
                        .setSessionId("session-s").setSequence(i).setType("echo").setAtUs(i).build().toByteArray());
                if (late) { // and a duplicate journal entry after it changes nothing either
                    send(producer, topics.events(), "session-s", TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED).setTaskId(id)
                            .setSessionId("session-s").setType("echo").build().toByteArray());
                }
            }
            for (int i = 0; i < total - OPEN; i++) {
                String id = i < BATCHED ? "b-" + i : "s-" + i;
                TaskStatus status = statuses[i % statuses.length];
                if (i < BATCHED || i >= BATCHED + LATE) {
                    send(producer, topics.results(), i < BATCHED ? "session-b" : "session-s", result(id, status));
                }
                expected.merge(status.name(), 1L, Long::sum);
            }
            for (int i = total - OPEN; i < total - OPEN + RUNNING; i++) {
                send(producer, topics.events(), "session-s", TaskEvent.newBuilder().setKind(TaskEvent.Kind.STARTED).setTaskId("s-" + i)
                        .setSessionId("session-s").setWorkerId("w1").build().toByteArray());
            }
            expected.put("SUBMITTED", (long) OPEN - RUNNING);
            expected.put("RUNNING", (long) RUNNING);
            for (int i = 0; i < ORPHANS; i++) {
                send(producer, topics.results(), "session-o", result("o-" + i, TaskStatus.CANCELLED));
            }
            expected.put("CANCELLED", (long) ORPHANS);
            byte[] garbage = "not a protobuf record".getBytes(StandardCharsets.UTF_8);
            send(producer, topics.events(), "x", garbage);
            send(producer, topics.events(), "x", garbage);
            send(producer, topics.results(), "x", garbage);
            send(producer, topics.results(), "x", TaskResult.newBuilder().setStatus(TaskStatus.OK).build().toByteArray());
            send(producer, topics.heartbeats(), "x", garbage);
            producer.flush();
        }
        return expected;
    }

    private static byte[] result(String id, TaskStatus status) {
        return TaskResult.newBuilder().setTaskId(id).setSessionId("session").setStatus(status).setWorkerId("w1")
                .setFile("/var/sf/w1.h5").setRow(7).setType("echo").setOutput(com.google.protobuf.ByteString.copyFromUtf8("out"))
                .build().toByteArray();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Sends and waits for the broker's acknowledgement, so that what follows lands after it. */
    private static void sendNow(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
    }

    private static Summary awaitCounts(Coordinator coordinator, Map<String, Long> expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(new TreeMap<>(coordinator.summary().byState())).isEqualTo(expected));
        Summary s = coordinator.summary();
        assertThat(s.tasks()).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
        return s;
    }

    private static HttpResponse<String> get(HttpClient http, Coordinator coordinator, String task) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.httpPort() + "/api/tasks/" + task))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
