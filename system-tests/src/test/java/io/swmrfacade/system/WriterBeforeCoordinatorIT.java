package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer started before its coordinator, as {@code sf coordinator & sf writer &} may do: it
 * waits for the tasks topic and then takes tasks, instead of exiting because the topic is not
 * there yet; with no coordinator at all it gives up after writer.topics.wait.ms and says why.
 */
class WriterBeforeCoordinatorIT {

    @TempDir
    Path dir;

    @Test
    void a_writer_started_first_waits_for_the_coordinators_topics_and_then_answers_tasks() throws Exception {
        String prefix = SharedKafka.freshPrefix("early");
        try (WriterNode writer = WriterNode.start(new WriterConfig(writerSettings(prefix, "early-writer")), Clock.systemUTC())) {
            // The node is in its group (it subscribed) while the topic does not exist yet.
            awaitGroupMember(prefix + "writers");
            assertThat(writer.failure()).isNull();
            assertThat(writer.isRunning()).isTrue();

            try (Coordinator coordinator = Coordinator.start(coordinatorConfig(prefix), Clock.systemUTC(), Duration.ofSeconds(30));
                 TaskFacade facade = TaskFacade.builder().bootstrap(SharedKafka.bootstrap()).topicPrefix(prefix).build()) {
                facade.submit(Task.of("echo", "after the coordinator"));
                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.complete()).isTrue();
                assertThat(all.results()).singleElement().satisfies(r -> {
                    assertThat(r.status()).isEqualTo(TaskStatus.OK);
                    assertThat(r.outputText()).isEqualTo("after the coordinator");
                });
            }
            assertThat(writer.failure()).isNull();
        }
    }

    @Test
    void with_no_coordinator_the_writer_gives_up_after_its_wait_and_names_the_topic() throws Exception {
        String prefix = SharedKafka.freshPrefix("nocoord");
        Map<String, Object> settings = writerSettings(prefix, "lonely-writer");
        settings.put(WriterConfig.TOPICS_WAIT_MS, 1_500L);
        try (WriterNode writer = WriterNode.start(new WriterConfig(settings), Clock.systemUTC())) {
            assertThat(writer.awaitTermination(Duration.ofSeconds(60))).as("the node stops on its own").isTrue();
            assertThat(writer.failure()).hasMessageContaining("topic " + prefix + "tasks does not exist after 1500 ms")
                    .hasMessageContaining("start the coordinator");
        }
    }

    private Map<String, Object> writerSettings(String prefix, String id) {
        Map<String, Object> w = new HashMap<>();
        w.put(ClusterConfig.BOOTSTRAP, SharedKafka.bootstrap());
        w.put(ClusterConfig.TOPIC_PREFIX, prefix);
        w.put(WriterConfig.FILE, dir.resolve(id + ".h5").toString());
        w.put(WriterConfig.ID, id);
        w.put(WriterConfig.GROUP, prefix + "writers");
        return w;
    }

    private static CoordinatorConfig coordinatorConfig(String prefix) {
        return new CoordinatorConfig(Map.of(ClusterConfig.BOOTSTRAP, SharedKafka.bootstrap(), ClusterConfig.TOPIC_PREFIX, prefix,
                CoordinatorConfig.PARTITIONS, 2));
    }

    private static void awaitGroupMember(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap()))) {
            await().alias("the writer in group " + group).atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> !admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().isEmpty());
        }
    }
}
