package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SubmitRejectedException;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade against a broker that is not there: submit never waits for it, the buffer bound
 * fails fast and says what is full, close returns in time and reports what was not sent, and the
 * buffered tasks run once the broker starts. Uses a broker of its own, in a child JVM.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClientBrokerDownIT {

    private static final String PREFIX = "down.";

    @TempDir
    Path dir;

    @Test
    void submit_never_waits_for_a_stopped_broker_and_the_tasks_run_once_it_starts() throws Exception {
        int n = 10_000;
        try (ClientTestBroker broker = new ClientTestBroker(dir);
             TaskFacade facade = builder(broker).maxBuffered(n, 64L * 1024 * 1024).build()) {
            List<TaskHandle> handles = new ArrayList<>(n);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                handles.add(facade.submit(Task.of("echo", "task " + i)));
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // A submit that waited on the network even once per task (max.block.ms, a connect
            // timeout) would take minutes here; this bound is only an order-of-magnitude sanity check.
            assertThat(elapsedMs).as("10,000 submits with the broker down took %d ms", elapsedMs).isLessThan(10_000);
            assertThat(handles).noneMatch(h -> h.result().isDone());
            assertThat(facade.stats().buffered()).isEqualTo(n);

            assertThatThrownBy(() -> facade.submit(Task.of("echo", "one too many")))
                    .isInstanceOf(SubmitRejectedException.class)
                    .hasMessageContaining("submit buffer is full: " + n + " tasks are waiting for the broker");

            broker.start();
            try (Coordinator coordinator = coordinator(broker);
                 WriterNode writer = WriterNode.start(new WriterConfig(writerSettings(broker, dir.resolve("down.h5"))), Clock.systemUTC())) {
                CollectResult all = facade.collect(Duration.ofSeconds(120));
                assertThat(all.missing()).isEmpty();
                assertThat(all.results()).hasSize(n).allMatch(r -> r.status() == TaskStatus.OK, "every task OK");
                for (int i = 0; i < n; i++) {
                    TaskResult r = handles.get(i).result().getNow(null);
                    assertThat(r).as("result of task %d", i).isNotNull();
                    assertThat(r.outputText()).isEqualTo("task " + i);
                }
                assertThat(facade.close(Duration.ofSeconds(10))).isEmpty();
                assertThat(writer.failure()).isNull();
            }
        }
    }

    @Test
    void the_byte_bound_fails_fast_and_says_it_is_the_bytes_that_are_full() throws Exception {
        try (ClientTestBroker broker = new ClientTestBroker(dir);
             TaskFacade facade = builder(broker).maxBuffered(1_000, 4_096).closeTimeout(Duration.ofMillis(500)).build()) {
            byte[] kilobyte = new byte[1_000];
            int accepted = 0;
            try {
                for (; accepted < 100; accepted++) {
                    facade.submit(Task.of("echo", kilobyte));
                }
            } catch (SubmitRejectedException e) {
                assertThat(e).hasMessageContaining("4096 bytes of tasks are waiting for the broker to confirm them");
            }
            // Each task is its 1,000-byte payload plus ids and header: three fit in 4,096 bytes, a fourth does not.
            assertThat(accepted).isEqualTo(3);
        }
    }

    @Test
    void close_with_the_broker_down_returns_within_its_timeout_and_reports_every_task_not_sent() throws Exception {
        try (ClientTestBroker broker = new ClientTestBroker(dir); TaskFacade facade = builder(broker).build()) {
            List<TaskId> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ids.add(facade.submit(Task.of("echo", "never delivered " + i)).id());
            }
            Duration timeout = Duration.ofSeconds(2);
            long start = System.nanoTime();
            List<TaskId> notSent = facade.close(timeout);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            // The contract, not a performance figure: close is bounded by its timeout (plus scheduling slack).
            assertThat(tookMs).as("close took %d ms", tookMs).isLessThan(timeout.toMillis() + 1_000);
            assertThat(notSent).containsExactlyElementsOf(ids);
            CollectResult after = facade.collect(Duration.ofMillis(10));
            assertThat(after.missing()).isEmpty();
            assertThat(after.results()).extracting(TaskResult::id).containsExactlyElementsOf(ids);
            assertThat(after.results()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(TaskStatus.NOT_SENT);
                assertThat(r.error()).contains("closed before the broker confirmed the task");
            });
            assertThatThrownBy(() -> facade.submit(Task.of("echo", "late"))).isInstanceOf(SubmitRejectedException.class)
                    .hasMessageContaining("is closed");
        }
    }

    private static TaskFacade.Builder builder(ClientTestBroker broker) {
        return TaskFacade.builder().bootstrap(broker.bootstrap()).topicPrefix(PREFIX);
    }

    private static Coordinator coordinator(ClientTestBroker broker) {
        return Coordinator.start(new CoordinatorConfig(Map.of(ClusterConfig.BOOTSTRAP, broker.bootstrap(),
                ClusterConfig.TOPIC_PREFIX, PREFIX, CoordinatorConfig.PARTITIONS, 3)), Clock.systemUTC(), Duration.ofSeconds(30));
    }

    private static Map<String, Object> writerSettings(ClientTestBroker broker, Path file) {
        return Map.of(ClusterConfig.BOOTSTRAP, broker.bootstrap(), ClusterConfig.TOPIC_PREFIX, PREFIX,
                WriterConfig.FILE, file.toString(), WriterConfig.ID, "down-writer", WriterConfig.GROUP, PREFIX + "writers");
    }
}
