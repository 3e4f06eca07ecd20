package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer node killed with SIGKILL in the middle of a run and started again on its file: the
 * client sees every task's result exactly once, whatever copies the restarted writer publishes.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClientWriterKillIT {

    private static final int TASKS = 600;

    @TempDir
    Path dir;

    @Test
    void every_task_has_exactly_one_result_after_the_writer_is_killed_and_restarted() throws Exception {
        try (Installation sf = new Installation("wkill", 3)) {
            Map<String, Object> settings = sf.writerSettings(dir.resolve("wkill.h5"), "wkill-writer");
            NodeProcess writer = NodeProcess.writer(settings, dir.resolve("writer-1.log"));
            try (TaskFacade facade = sf.facade().build()) {
                Map<TaskId, AtomicInteger> streamed = new ConcurrentHashMap<>();
                facade.results().subscribe(counting(streamed));
                List<TaskHandle> handles = new ArrayList<>();
                for (int i = 0; i < TASKS; i++) {
                    // 20 ms each, so the run lasts long enough to be cut in the middle.
                    handles.add(facade.submit(i % 2 == 0 ? Task.of("sleep", "0.02") : Task.of("echo", "w" + i)));
                }
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> facade.stats().withoutResult() < TASKS - 50);
                writer.kill9();
                int doneAtKill = TASKS - facade.stats().withoutResult();
                assertThat(doneAtKill).as("killed in the middle of the run").isLessThan(TASKS);
                writer = NodeProcess.writer(settings, dir.resolve("writer-2.log"));

                CollectResult all = facade.collect(Duration.ofSeconds(120));
                assertThat(all.missing()).isEmpty();
                assertThat(all.results()).hasSize(TASKS).allMatch(r -> r.status() == TaskStatus.OK, "all OK");
                for (TaskHandle h : handles) {
                    assertThat(h.result().getNow(null)).isNotNull().extracting(TaskResult::id).isEqualTo(h.id());
                }
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> streamed.size() == TASKS);
                assertThat(streamed.values()).allMatch(n -> n.get() == 1, "each result streamed once");

                // Checked against an independent reader of the whole results log (the facade reads
                // results uncommitted): every task is there, and every extra copy the writer sent,
                // in a transaction its death aborted or on replay, was dropped by the client.
                Map<String, Long> onTopic = ClientTopics.readAll(sf.bootstrap, sf.prefix + "results", r -> true, false).stream()
                        .flatMap(r -> parse(r.value()).stream()).filter(r -> r.getSessionId().equals(facade.session().value()))
                        .collect(Collectors.groupingBy(io.swmrfacade.proto.v1.TaskResult::getTaskId, Collectors.counting()));
                assertThat(onTopic).hasSize(TASKS);
                long copies = onTopic.values().stream().mapToLong(Long::longValue).sum() - TASKS;
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> facade.stats().duplicatesDropped() == copies);
                assertThat(streamed.values()).allMatch(n -> n.get() == 1, "each result streamed once, after the copies too");
            } finally {
                assertThat(writer.terminate(30)).isTrue();
            }
        }
    }

    private static List<io.swmrfacade.proto.v1.TaskResult> parse(byte[] b) {
        try {
            return ClientTopics.results(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static Flow.Subscriber<TaskResult> counting(Map<TaskId, AtomicInteger> seen) {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(TaskResult r) {
                seen.computeIfAbsent(r.id(), id -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        };
    }
}
