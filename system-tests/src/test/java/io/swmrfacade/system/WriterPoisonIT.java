package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.WriterConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task that halts its worker's JVM every time (seed 001's "crash") among ordinary tasks. */
class WriterPoisonIT {

    @TempDir
    Path dir;

    @Test
    void poison_task_is_run_max_attempts_times_then_worker_crashed_and_dead_lettered_while_others_finish() throws Exception {
        Path file = dir.resolve("poison.h5");
        try (Installation sf = new Installation("poison", 2)) {
            Map<String, Object> settings = sf.writerSettings(file, "poison-writer");
            settings.put(WriterConfig.CRASH_HANDLER, true);
            List<TaskHandle> ordinary = new ArrayList<>();
            TaskHandle poison;
            try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("poison-writer"));
                 TaskFacade facade = sf.facade().build()) {
                for (int i = 0; i < 20; i++) {
                    ordinary.add(facade.submit(Task.of("echo", "before " + i)));
                }
                poison = facade.submit(Task.of("crash", "boom").withMaxAttempts(3));
                for (int i = 0; i < 20; i++) {
                    ordinary.add(facade.submit(Task.of("echo", "after " + i)));
                }
                for (int i = 0; i < 5; i++) {
                    ordinary.add(facade.submit(Task.of("sleep", "0.1")));
                }
                // Like a process supervisor: whenever the poison task halts the node, start it again.
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    writer.ensureRunning();
                    return poison.result().isDone() && ordinary.stream().allMatch(h -> h.result().isDone());
                });
                CollectResult all = facade.collect(Duration.ofSeconds(5));
                assertThat(all.complete()).isTrue();
                TaskResult crashed = poison.result().get();
                assertThat(crashed.status()).isEqualTo(TaskStatus.WORKER_CRASHED);
                assertThat(crashed.error()).isEqualTo("worker crashed 3 times on this task");
                assertThat(crashed.attempts()).isEqualTo(3);
                for (TaskHandle h : ordinary) {
                    assertThat(h.result().get().status()).as(h.result().get().toString()).isEqualTo(TaskStatus.OK);
                }
                // The node died exactly three times: once per allowed start of the poison task, never for a bystander.
                assertThat(writer.starts()).isEqualTo(4);
                assertThat(writer.terminate(30)).isTrue();
            }
            List<DeadLetter> dead = WriterEvidence.deadLetters(sf);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.getTaskId()).isEqualTo(poison.id().value());
                assertThat(d.getReason()).isEqualTo("worker crashed 3 times on this task");
                assertThat(d.getSourceTopic()).isEqualTo(sf.prefix + "tasks");
            });
            Map<String, List<io.swmrfacade.proto.v1.TaskResult>> results = WriterEvidence.committedResults(sf);
            assertThat(results).hasSize(ordinary.size() + 1);
            results.forEach((id, list) -> assertThat(list).as("results of %s", id).hasSize(1));
            List<TaskRow> rows = WriterEvidence.rows(file);
            assertThat(rows).extracting(TaskRow::taskId).doesNotHaveDuplicates().hasSize(ordinary.size() + 1);
            assertThat(rows).filteredOn(r -> r.taskId().equals(poison.id().value())).singleElement()
                    .satisfies(r -> {
                        assertThat(r.status()).isEqualTo(io.swmrfacade.proto.v1.TaskStatus.WORKER_CRASHED_VALUE);
                        assertThat(r.attempts()).isEqualTo(3);
                    });
        }
    }

    /**
     * A poison task on the loop thread, behind ten appends of its stream, all on the broker before
     * the node starts: its first poll takes them all, and the appends and the poison run in one
     * chain (TaskLoop), so the first crash takes the ten appends, written and not yet flushed, with
     * it. After the restart they run again, each counted one start more, and are flushed before
     * the poison runs again; it is then failed after its three starts. Each sample is in the file
     * once, in order.
     */
    @Test
    void a_poison_task_that_ends_a_chain_of_appends_costs_them_one_start_and_loses_or_doubles_nothing() throws Exception {
        Path file = dir.resolve("chain.h5");
        String stream = "/chain/x";
        int appends = 10;
        int samples = 1000;
        try (Installation sf = new Installation("chain", 1)) {
            Map<String, Object> settings = sf.writerSettings(file, "chain-writer");
            settings.put(WriterConfig.CRASH_HANDLER, true);
            List<TaskHandle> appended = new ArrayList<>();
            try (TaskFacade facade = sf.facade().build()) {
                for (int i = 0; i < appends; i++) {
                    appended.add(facade.submit(Task.of("append", Payloads.float32(stream, i * samples, samples)).withRoutingKey(stream)));
                }
                TaskHandle poison = facade.submit(Task.of("crash", "on-loop").withRoutingKey(stream).withMaxAttempts(3));
                await().atMost(Duration.ofSeconds(30)).until(() -> facade.stats().buffered() == 0);
                try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("chain-writer"))) {
                    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100)).until(() -> {
                        writer.ensureRunning();
                        return poison.result().isDone() && appended.stream().allMatch(h -> h.result().isDone());
                    });
                    assertThat(poison.result().get().status()).isEqualTo(TaskStatus.WORKER_CRASHED);
                    assertThat(poison.result().get().attempts()).isEqualTo(3);
                    assertThat(writer.starts()).as("one death per start of the poison task").isEqualTo(4);
                    for (TaskHandle h : appended) {
                        TaskResult r = h.result().get();
                        assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.OK);
                        assertThat(r.attempts()).as("run in the chain the first crash ended, then once more: %s", r)
                                .isEqualTo(2);
                    }
                    assertThat(writer.terminate(30)).isTrue();
                }
            }
            assertThat(WriterEvidence.deadLetters(sf)).singleElement()
                    .satisfies(d -> assertThat(d.getReason()).isEqualTo("worker crashed 3 times on this task"));
            Map<String, List<io.swmrfacade.proto.v1.TaskResult>> results = WriterEvidence.committedResults(sf);
            assertThat(results).hasSize(appends + 1);
            results.forEach((id, list) -> assertThat(list).as("results of %s", id).hasSize(1));
            assertThat(WriterEvidence.rows(file)).extracting(TaskRow::taskId).doesNotHaveDuplicates().hasSize(appends + 1);
            try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
                f.poll();
                ByteBuffer x = ByteBuffer.wrap(f.readSamplesAcrossSegments(stream)).order(ByteOrder.LITTLE_ENDIAN);
                assertThat(x.remaining()).isEqualTo(4 * appends * samples);
                for (int i = 0; i < appends * samples; i++) {
                    assertThat(x.getFloat()).as("x[%d]", i).isEqualTo((float) i);
                }
            }
        }
    }
}
