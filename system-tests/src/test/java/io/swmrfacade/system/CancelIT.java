package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancellation and deadlines on a real broker and a real file, with one writer node in this JVM:
 * queued tasks never run, running ones are interrupted when their handler allows it, finished
 * ones keep their result; every task has one committed result and one row, checked with h5py.
 */
class CancelIT {

    /** Task ids whose handler started, so a test can tell "never ran" from "ran". */
    static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

    /**
     * Busy for the payload's seconds, one at a time on a node, and notes that it started; ends
     * early only when interrupted.
     */
    static final class Hold implements TaskHandler {
        @Override
        public String type() {
            return "hold";
        }

        @Override
        public int maxConcurrency() {
            return 1;
        }

        @Override
        public TaskOutput run(TaskInput input) throws InterruptedException {
            STARTED.add(input.taskId());
            double seconds = Double.parseDouble(new String(input.payload(), StandardCharsets.UTF_8));
            long end = System.nanoTime() + (long) (seconds * 1e9);
            for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("hold interrupted after it started");
                }
            }
            return TaskOutput.of("held " + seconds);
        }
    }

    /** Must not be interrupted: it waits for its cancel signal (at most 20 s) and says what it saw. */
    static final class Stubborn implements TaskHandler {
        @Override
        public String type() {
            return "stubborn";
        }

        @Override
        public boolean interruptible() {
            return false;
        }

        @Override
        public TaskOutput run(TaskInput input) throws InterruptedException {
            STARTED.add(input.taskId());
            boolean raised = input.cancel().await(Duration.ofSeconds(20));
            return TaskOutput.of(raised ? "saw: " + input.cancel().reason() : "no signal");
        }
    }

    @TempDir
    Path dir;

    private static WriterNode writer(Installation sf, Path file, String id) {
        return WriterNode.start(new WriterConfig(sf.writerSettings(file, id)), Clock.systemUTC(), List.of(new Hold(), new Stubborn()));
    }

    private static TaskResult result(TaskHandle h) throws Exception {
        return h.result().get(60, TimeUnit.SECONDS);
    }

    @Test
    void queued_tasks_never_run_running_ones_are_interrupted_and_finished_ones_keep_their_result() throws Exception {
        Path file = dir.resolve("cancel.h5");
        Map<String, TaskStatus> expected = new HashMap<>();
        try (Installation sf = new Installation("cancel", 2)) {
            WriterNode node = writer(sf, file, "cancel-writer");
            try (TaskFacade facade = sf.facade().build()) {
                TaskHandle finished = facade.submit(Task.of("echo", "kept"));
                assertThat(result(finished).status()).isEqualTo(TaskStatus.OK);

                TaskHandle running = facade.submit(Task.of("hold", "60"));
                List<TaskHandle> queued = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    queued.add(facade.submit(Task.of("hold", "0.2")));
                }
                TaskHandle stubborn = facade.submit(Task.of("stubborn", "x"));
                await().atMost(Duration.ofSeconds(60)).until(() -> STARTED.contains(running.id().value())
                        && STARTED.contains(stubborn.id().value()));

                long cancelAt = System.nanoTime();
                facade.cancel(queued.get(0).id()).get(30, TimeUnit.SECONDS);
                facade.cancel(queued.get(1).id()).get(30, TimeUnit.SECONDS);
                facade.cancel(running.id()).get(30, TimeUnit.SECONDS);
                facade.cancel(stubborn.id()).get(30, TimeUnit.SECONDS);
                facade.cancel(finished.id()).get(30, TimeUnit.SECONDS);

                TaskResult interrupted = result(running);
                long tookMs = (System.nanoTime() - cancelAt) / 1_000_000;
                assertThat(interrupted.status()).as(interrupted.toString()).isEqualTo(TaskStatus.CANCELLED);
                assertThat(interrupted.error()).startsWith("cancelled by").endsWith("while it ran");
                // The 60 s task ended at its cancel, not at its end (bound generous for a loaded 2-core machine).
                assertThat(tookMs).isLessThan(30_000);
                for (TaskHandle q : queued.subList(0, 2)) {
                    TaskResult r = result(q);
                    assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.CANCELLED);
                    assertThat(r.error()).endsWith("before it started");
                    assertThat(STARTED).doesNotContain(q.id().value());
                }
                assertThat(result(queued.get(2)).status()).isEqualTo(TaskStatus.OK);
                TaskResult stubbornResult = result(stubborn);
                assertThat(stubbornResult.status()).isEqualTo(TaskStatus.OK);
                assertThat(stubbornResult.outputText()).startsWith("saw: cancelled by").endsWith("while it ran");

                CollectResult all = facade.collect(Duration.ofSeconds(30));
                assertThat(all.complete()).isTrue();
                assertThat(all.results()).filteredOn(r -> r.id().equals(finished.id())).singleElement()
                        .satisfies(r -> assertThat(r.outputText()).isEqualTo("kept"));

                expected.put(finished.id().value(), TaskStatus.OK);
                expected.put(running.id().value(), TaskStatus.CANCELLED);
                expected.put(queued.get(0).id().value(), TaskStatus.CANCELLED);
                expected.put(queued.get(1).id().value(), TaskStatus.CANCELLED);
                expected.put(queued.get(2).id().value(), TaskStatus.OK);
                expected.put(stubborn.id().value(), TaskStatus.OK);
                // The cancel of the finished task is read by the node, which has nothing to do with
                // it. Cancels are read in order from one partition: once the node has seen a later
                // cancel (a marker task says so), it has seen that one too.
                TaskHandle marker = facade.submit(Task.of("stubborn", "marker"));
                await().atMost(Duration.ofSeconds(60)).until(() -> STARTED.contains(marker.id().value()));
                facade.cancel(marker.id()).get(30, TimeUnit.SECONDS);
                assertThat(result(marker).outputText()).startsWith("saw: cancelled by");
                expected.put(marker.id().value(), TaskStatus.OK);
            } finally {
                node.close(Duration.ofSeconds(30));
            }
            checkOnce(sf, file, expected);
        }
    }

    @Test
    void a_cancelled_session_ends_its_queued_running_and_later_tasks() throws Exception {
        Path file = dir.resolve("session.h5");
        Map<String, TaskStatus> expected = new HashMap<>();
        try (Installation sf = new Installation("cancelsession", 2)) {
            WriterNode node = writer(sf, file, "session-writer");
            try (TaskFacade facade = sf.facade().build(); TaskFacade other = sf.facade().build()) {
                List<TaskHandle> mine = new ArrayList<>();
                mine.add(facade.submit(Task.of("hold", "60")));
                for (int i = 0; i < 3; i++) {
                    mine.add(facade.submit(Task.of("hold", "0.1")));
                }
                TaskHandle bystander = other.submit(Task.of("hold", "0.1"));
                await().atMost(Duration.ofSeconds(60)).until(() -> STARTED.contains(mine.get(0).id().value()));
                facade.cancelSession().get(30, TimeUnit.SECONDS);
                TaskHandle after = facade.submit(Task.of("echo", "after the cancel"));
                mine.add(after);
                for (TaskHandle h : mine) {
                    TaskResult r = result(h);
                    assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.CANCELLED);
                    assertThat(r.error()).contains("with its session");
                    expected.put(h.id().value(), TaskStatus.CANCELLED);
                }
                assertThat(result(bystander).status()).isEqualTo(TaskStatus.OK);
                expected.put(bystander.id().value(), TaskStatus.OK);
                // The task submitted after the cancel says so itself, so no node runs it even if
                // the cancel's own record reaches the node after the task.
                Map<String, Boolean> flagged = new HashMap<>();
                for (byte[] v : WriterEvidence.committed(sf, sf.prefix + "tasks")) {
                    TaskRequest t = TaskRequest.parseFrom(v);
                    flagged.put(t.getTaskId(), t.getSessionCancelled());
                }
                assertThat(flagged).containsEntry(after.id().value(), true).containsEntry(mine.get(0).id().value(), false)
                        .containsEntry(bystander.id().value(), false);
            } finally {
                node.close(Duration.ofSeconds(30));
            }
            checkOnce(sf, file, expected);
        }
    }

    /**
     * A task whose client had cancelled its session before submitting it never runs, though no
     * cancel of that session is on the cancels topic at all (as when the task overtakes it).
     */
    @Test
    void a_task_submitted_after_its_session_was_cancelled_never_runs_even_before_the_cancel_arrives() throws Exception {
        Path file = dir.resolve("flagged.h5");
        String session = TaskId.next().value();
        String flagged = TaskId.next().value();
        String plain = TaskId.next().value();
        try (Installation sf = new Installation("cancelflag", 2)) {
            WriterNode node = writer(sf, file, "flag-writer");
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String id : List.of(flagged, plain)) {
                    TaskRequest t = TaskRequest.newBuilder().setTaskId(id).setSessionId(session)
                            .setSequence(id.equals(flagged) ? 1 : 2).setType("hold")
                            .setPayload(ByteString.copyFromUtf8("0.1")).setSessionCancelled(id.equals(flagged)).build();
                    p.send(new ProducerRecord<>(sf.prefix + "tasks", t.toByteArray())).get(30, TimeUnit.SECONDS);
                }
                Map<String, List<io.swmrfacade.proto.v1.TaskResult>> committed = new HashMap<>();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                    committed.clear();
                    committed.putAll(WriterEvidence.committedResults(sf));
                    return committed.containsKey(flagged) && committed.containsKey(plain);
                });
                assertThat(committed.get(flagged)).singleElement().satisfies(r -> {
                    assertThat(r.getStatus()).isEqualTo(io.swmrfacade.proto.v1.TaskStatus.CANCELLED);
                    assertThat(r.getError()).isEqualTo("cancelled with its session (its client cancelled the session first)"
                            + " before it started");
                });
                assertThat(STARTED).doesNotContain(flagged).contains(plain);
            } finally {
                node.close(Duration.ofSeconds(30));
            }
            checkOnce(sf, file, Map.of(flagged, TaskStatus.CANCELLED, plain, TaskStatus.OK));
        }
    }

    @Test
    void tasks_past_their_deadline_expire_once_whether_queued_or_running() throws Exception {
        Path file = dir.resolve("deadline.h5");
        Map<String, TaskStatus> expected = new HashMap<>();
        try (Installation sf = new Installation("deadline", 2)) {
            WriterNode node = writer(sf, file, "deadline-writer");
            try (TaskFacade facade = sf.facade().build()) {
                assertThat(result(facade.submit(Task.of("echo", "warm"))).status()).isEqualTo(TaskStatus.OK);
                // One slot for hold: a backlog of short-deadline tasks behind a 2 s task.
                TaskHandle first = facade.submit(Task.of("hold", "2"));
                List<TaskHandle> behind = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    behind.add(facade.submit(Task.of("hold", "0.1").withDeadline(Instant.now().plusMillis(500))));
                }
                assertThat(result(first).status()).isEqualTo(TaskStatus.OK);
                expected.put(first.id().value(), TaskStatus.OK);
                for (TaskHandle h : behind) {
                    TaskResult r = result(h);
                    assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.EXPIRED);
                    assertThat(r.error()).contains("before a worker could start the task");
                    assertThat(STARTED).doesNotContain(h.id().value());
                    expected.put(h.id().value(), TaskStatus.EXPIRED);
                }

                long submitted = System.nanoTime();
                TaskHandle overrun = facade.submit(Task.of("hold", "60").withDeadline(Instant.now().plusSeconds(2)));
                TaskResult r = result(overrun);
                assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.EXPIRED);
                assertThat(r.error()).startsWith("deadline passed after the task had run").endsWith("interrupted");
                assertThat(STARTED).contains(overrun.id().value());
                assertThat((System.nanoTime() - submitted) / 1_000_000).isLessThan(30_000);
                expected.put(overrun.id().value(), TaskStatus.EXPIRED);

                TaskHandle stubborn = facade.submit(Task.of("stubborn", "x").withDeadline(Instant.now().plusSeconds(2)));
                TaskResult s = result(stubborn);
                assertThat(s.status()).isEqualTo(TaskStatus.OK);
                assertThat(s.outputText()).startsWith("saw: deadline passed after the task had run");
                expected.put(stubborn.id().value(), TaskStatus.OK);
            } finally {
                node.close(Duration.ofSeconds(30));
            }
            checkOnce(sf, file, expected);
        }
    }

    /** One committed result and one row per task, with the expected status, in the file as h5py reads it too. */
    static void checkOnce(Installation sf, Path file, Map<String, TaskStatus> expected) throws Exception {
        Map<String, List<io.swmrfacade.proto.v1.TaskResult>> committed = WriterEvidence.committedResults(sf);
        for (Map.Entry<String, TaskStatus> e : expected.entrySet()) {
            assertThat(committed.get(e.getKey())).as("committed results of %s", e.getKey()).singleElement()
                    .satisfies(r -> assertThat(r.getStatus().name()).isEqualTo(e.getValue().name()));
        }
        List<TaskRow> rows = WriterEvidence.rows(file);
        assertThat(rows).extracting(TaskRow::taskId).doesNotHaveDuplicates();
        Map<String, Integer> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.taskId(), r.status()));
        expected.forEach((id, status) -> assertThat(byId.get(id)).as("row of %s", id)
                .isEqualTo(io.swmrfacade.proto.v1.TaskStatus.valueOf(status.name()).getNumber()));
        if (WriterEvidence.h5pyAvailable()) {
            assertThat(H5pyRows.statuses(file)).containsAllEntriesOf(byId);
        }
    }
}
