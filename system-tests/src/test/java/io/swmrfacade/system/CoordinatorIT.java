package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.coordinator.TaskState;
import io.swmrfacade.coordinator.TopicCheck;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator creates and checks topics, and knows the state of tasks and workers. */
class CoordinatorIT {

    @TempDir
    Path dir;

    @Test
    void a_topic_that_differs_from_its_spec_is_reported_not_changed() throws Exception {
        String prefix = SharedKafka.freshPrefix("mismatch");
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(prefix + "results", 2, (short) 1))).all().get();
        }
        Map<String, Object> c = new HashMap<>();
        c.put(ClusterConfig.BOOTSTRAP, SharedKafka.bootstrap());
        c.put(ClusterConfig.TOPIC_PREFIX, prefix);
        c.put(CoordinatorConfig.PARTITIONS, 4);
        try (Coordinator coordinator = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30))) {
            TopicCheck results = coordinator.topicChecks().stream().filter(t -> t.topic().equals(prefix + "results")).findFirst().orElseThrow();
            assertThat(results.created()).isFalse();
            assertThat(results.problems()).anyMatch(m -> m.contains("has 2 partitions, the spec says 4"));
            assertThat(results.problems()).anyMatch(m -> m.contains("message.timestamp.type"));
            assertThat(coordinator.topicChecks().stream().filter(t -> t.topic().equals(prefix + "tasks")).findFirst().orElseThrow())
                    .satisfies(t -> assertThat(t.created()).isTrue()).satisfies(t -> assertThat(t.ok()).isTrue());
        }
        // A second coordinator finds the topics it created and reports them as they are.
        try (Coordinator again = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30))) {
            assertThat(again.topicChecks()).allSatisfy(t -> assertThat(t.created()).isFalse());
            assertThat(again.topicChecks()).filteredOn(TopicCheck::ok).hasSize(6);
        }
    }

    @Test
    void the_coordinator_creates_and_checks_the_cancels_topic_with_one_partition() throws Exception {
        String prefix = SharedKafka.freshPrefix("cancelstopic");
        Map<String, Object> c = new HashMap<>();
        c.put(ClusterConfig.BOOTSTRAP, SharedKafka.bootstrap());
        c.put(ClusterConfig.TOPIC_PREFIX, prefix);
        c.put(CoordinatorConfig.PARTITIONS, 4);
        c.put(CoordinatorConfig.RETENTION_MS, 3_600_000L);
        try (Coordinator coordinator = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30))) {
            assertThat(coordinator.topicChecks()).filteredOn(t -> t.topic().equals(prefix + "cancels")).singleElement()
                    .satisfies(t -> assertThat(t.created()).isTrue()).satisfies(t -> assertThat(t.ok()).as(t.problems().toString()).isTrue());
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap());
        try (Admin admin = Admin.create(p)) {
            // As the broker holds it, not as the coordinator reports it.
            assertThat(admin.describeTopics(List.of(prefix + "cancels")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(prefix + "cancels").partitions()).hasSize(1);
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, prefix + "cancels");
            assertThat(admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get(TopicConfig.RETENTION_MS_CONFIG).value()).as("kept as long as the tasks").isEqualTo("3600000");
        }
    }

    @Test
    void an_unreachable_broker_is_a_clear_error_within_the_timeout() {
        Map<String, Object> c = new HashMap<>();
        c.put(ClusterConfig.BOOTSTRAP, "127.0.0.1:1");
        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(2)))
                .hasMessageContaining("127.0.0.1:1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void the_status_api_knows_every_task_and_the_writer() throws Exception {
        Path file = dir.resolve("status.h5");
        Map<String, Object> c = new HashMap<>();
        try (Installation sf = new Installation("status", 2)) {
            c.put(ClusterConfig.BOOTSTRAP, sf.bootstrap);
            c.put(ClusterConfig.TOPIC_PREFIX, sf.prefix);
            c.put(CoordinatorConfig.HTTP_PORT, 0);
            try (Coordinator coordinator = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30));
                 TaskFacade facade = sf.facade().build()) {
                WriterNode writer = sf.writer(file, "status-writer");
                TaskHandle ok = facade.submit(Task.of("echo", "x"));
                TaskHandle bad = facade.submit(Task.of("nope", "x"));
                assertThat(facade.collect(Duration.ofSeconds(60)).complete()).isTrue();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    // null until the coordinator has read the task: awaited, like its state
                    assertThat(coordinator.task(ok.id().value())).isNotNull().extracting(TaskState::state).isEqualTo("OK");
                    assertThat(coordinator.task(bad.id().value())).isNotNull().extracting(TaskState::state).isEqualTo("REJECTED");
                    assertThat(coordinator.workers()).anySatisfy(w -> {
                        assertThat(w.workerId()).isEqualTo("status-writer");
                        assertThat(w.alive()).isTrue();
                    });
                });
                HttpClient http = HttpClient.newHttpClient();
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.httpPort()
                        + "/api/tasks/" + ok.id())).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(body).contains("\"state\":\"OK\"").contains(file.getFileName().toString());
                HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.httpPort()
                        + "/api/tasks/no-such-task")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(missing.statusCode()).isEqualTo(404);
                writer.close();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(coordinator.workers()).anySatisfy(w -> assertThat(w.stopped()).isTrue()));
            }
        }
    }
}
