package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;

/** Starts without a broker: a recorder that acknowledges when told, and a pool that runs on the calling thread. */
class StartsTest {

    private static final TopicPartition TP = new TopicPartition("sf.tasks", 0);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** Holds each batch until the test acknowledges it; counts first starts locally only when told it can. */
    private static final class HeldRecorder implements StartRecorder {
        final List<List<Inflight>> batches = new ArrayList<>();
        final List<Consumer<Boolean>> callbacks = new ArrayList<>();
        final List<Inflight> forgotten = new ArrayList<>();
        final List<List<Inflight>> firstStarts = new ArrayList<>();
        boolean journalWorks;

        @Override
        public boolean recordFirstStarts(List<Inflight> tasks) {
            if (journalWorks) {
                firstStarts.add(List.copyOf(tasks));
            }
            return journalWorks;
        }

        @Override
        public void recordStarts(List<Inflight> tasks, Consumer<Boolean> whenRecorded) {
            batches.add(List.copyOf(tasks));
            callbacks.add(whenRecorded);
        }

        @Override
        public void unrecorded(List<Inflight> tasks) {
            forgotten.addAll(tasks);
        }
    }

    private final KeyGate keys = new KeyGate();
    private final Lanes lanes = new Lanes(type -> 2, keys);
    private final HeldRecorder recorder = new HeldRecorder();
    private final ConcurrentLinkedQueue<Outcome> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wakes = new AtomicInteger();
    private final List<Inflight> ran = new ArrayList<>();
    private final AtomicBoolean poolDown = new AtomicBoolean();
    private final CancelBook cancels = new CancelBook();
    private long seq;

    private Starts starts() {
        return new Starts(lanes, keys, recorder, r -> {
            if (poolDown.get()) {
                throw new RejectedExecutionException("shut down");
            }
            r.run();
        }, t -> {
            ran.add(t);
            return new Outcome(t, TaskStatus.OK, new byte[0], null, 1, 2, t.priorStarts() + 1, true);
        }, finished::add, wakes::incrementAndGet, () -> false, new QueueChecks(cancels, Clock.fixed(NOW, ZoneOffset.UTC)),
                Clock.fixed(NOW, ZoneOffset.UTC), new LogContext());
    }

    private Inflight task(String key, long deadlineUs) {
        return task(key, deadlineUs, 0);
    }

    private Inflight task(String key, long deadlineUs, int priorStarts) {
        TaskRequest r = TaskRequest.newBuilder().setTaskId("t" + seq).setType("echo").setRoutingKey(key).setDeadlineUs(deadlineUs).build();
        Inflight t = new Inflight(r, TP, seq, 1, seq++, priorStarts, 3);
        if (keys.admit(t)) {
            lanes.add(t);
        }
        return t;
    }

    @Test
    void a_task_runs_only_after_its_start_is_acknowledged() {
        Starts s = starts();
        Inflight t = task("", 0);
        s.startBatch();
        assertThat(recorder.batches).containsExactly(List.of(t));
        assertThat(ran).isEmpty();
        recorder.callbacks.get(0).accept(true);
        assertThat(ran).containsExactly(t);
        assertThat(finished).extracting(Outcome::task).containsExactly(t);
        assertThat(wakes.get()).isEqualTo(1);
    }

    @Test
    void a_first_start_counted_in_the_journal_runs_at_once_without_waiting_for_kafka() {
        recorder.journalWorks = true;
        Starts s = starts();
        Inflight t = task("", 0);
        s.startBatch();
        assertThat(recorder.firstStarts).containsExactly(List.of(t));
        assertThat(recorder.batches).isEmpty();
        assertThat(ran).containsExactly(t);
    }

    @Test
    void a_task_that_may_run_on_the_loop_thread_runs_there_without_the_pool_or_a_wake_up() {
        recorder.journalWorks = true;
        List<Inflight> inline = new ArrayList<>();
        List<Outcome> ranHere = new ArrayList<>();
        AtomicInteger pooled = new AtomicInteger();
        Starts s = new Starts(lanes, keys, recorder, r -> {
            pooled.incrementAndGet();
            r.run();
        }, t -> {
            ran.add(t);
            return new Outcome(t, TaskStatus.OK, new byte[0], null, 1, 2, 1, true);
        }, t -> {
            if (!t.task().getRoutingKey().equals("inline")) {
                return null;
            }
            inline.add(t);
            return new Outcome(t, TaskStatus.OK, new byte[0], null, 1, 2, 1, true);
        }, ranHere::add, finished::add, wakes::incrementAndGet, () -> false, new QueueChecks(cancels, Clock.fixed(NOW, ZoneOffset.UTC)),
                Clock.fixed(NOW, ZoneOffset.UTC), new LogContext());
        Inflight here = task("inline", 0);
        Inflight pool = task("", 0);
        s.startBatch();
        assertThat(inline).containsExactly(here);
        assertThat(ran).containsExactly(pool);
        assertThat(pooled.get()).isEqualTo(1);
        assertThat(ranHere).extracting(Outcome::task).containsExactly(here);
        assertThat(finished).extracting(Outcome::task).containsExactly(pool);
        assertThat(wakes.get()).as("only the pooled task wakes the loop").isEqualTo(1);
    }

    @Test
    void a_suspect_started_before_waits_for_its_acknowledgement_even_with_a_journal() {
        recorder.journalWorks = true;
        Starts s = starts();
        Inflight first = task("", 0);
        Inflight suspect = task("", 0, 1);
        s.startBatch();
        assertThat(recorder.firstStarts).containsExactly(List.of(first));
        assertThat(recorder.batches).containsExactly(List.of(suspect));
        assertThat(ran).containsExactly(first);
        recorder.callbacks.get(0).accept(true);
        assertThat(ran).containsExactly(first, suspect);
    }

    @Test
    void a_batch_whose_starts_were_not_recorded_goes_back_uncounted_and_is_recorded_again() {
        Starts s = starts();
        Inflight t = task("", 0);
        s.startBatch();
        recorder.callbacks.get(0).accept(false);
        assertThat(ran).isEmpty();
        s.retryUnrecorded();
        assertThat(recorder.forgotten).containsExactly(t);
        s.startBatch();
        assertThat(recorder.batches).hasSize(2);
        recorder.callbacks.get(1).accept(true);
        assertThat(ran).containsExactly(t);
    }

    @Test
    void a_task_past_its_deadline_expires_without_a_start_record() {
        Starts s = starts();
        long nowUs = NOW.getEpochSecond() * 1_000_000L;
        Inflight late = task("", nowUs - 5_000);
        s.startBatch();
        assertThat(recorder.batches).isEmpty();
        assertThat(finished).singleElement().satisfies(o -> {
            assertThat(o.task()).isEqualTo(late);
            assertThat(o.status()).isEqualTo(TaskStatus.EXPIRED);
            assertThat(new String(o.output())).isEqualTo("deadline passed 5 ms before a worker could start the task");
        });
    }

    @Test
    void tasks_of_one_key_run_one_after_another_as_each_is_released() {
        Starts s = starts();
        Inflight first = task("k", 0);
        Inflight second = task("k", 0);
        s.startBatch();
        assertThat(recorder.batches).containsExactly(List.of(first, second)).as("both recorded ahead, in key order");
        recorder.callbacks.get(0).accept(true);
        assertThat(ran).containsExactly(first);
        s.startBatch();
        s.release(List.of(first));
        s.startBatch();
        assertThat(ran).containsExactly(first, second);
    }

    @Test
    void a_task_the_stopped_pool_refuses_is_handed_back() {
        Starts s = starts();
        Inflight t = task("", 0);
        s.startBatch();
        poolDown.set(true);
        recorder.callbacks.get(0).accept(true);
        assertThat(finished).singleElement().satisfies(o -> {
            assertThat(o.task()).isEqualTo(t);
            assertThat(o.handedBack()).isTrue();
        });
    }

    @Test
    void a_cancelled_waiting_task_is_answered_at_once_without_a_slot_or_a_start_record() {
        Starts s = starts();
        List<Inflight> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(task("", 0));
        }
        s.startBatch();
        assertThat(recorder.batches).singleElement().satisfies(b -> assertThat(b).hasSize(4));
        Inflight waiting = tasks.get(5);
        cancels.add(io.swmrfacade.proto.v1.CancelRequest.newBuilder().setTaskId(waiting.id()).setRequestedBy("ann").build());
        s.startBatch();
        assertThat(recorder.batches).hasSize(1);
        assertThat(finished).singleElement().satisfies(o -> {
            assertThat(o.task()).isEqualTo(waiting);
            assertThat(o.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(o.started()).isFalse();
            assertThat(new String(o.output())).isEqualTo("cancelled by ann before it started");
        });
        recorder.callbacks.get(0).accept(true);
        assertThat(ran).containsExactly(tasks.get(0), tasks.get(1));
        assertThat(ran).doesNotContain(waiting);
    }

    @Test
    void a_cancelled_waiting_task_of_a_routing_key_lets_the_next_of_its_key_in() {
        Starts s = starts();
        Inflight first = task("k", 0);
        Inflight cancelled = task("k", 0);
        Inflight third = task("k", 0);
        cancels.add(io.swmrfacade.proto.v1.CancelRequest.newBuilder().setTaskId(cancelled.id()).build());
        s.startBatch();
        assertThat(finished).extracting(Outcome::task).containsExactly(cancelled);
        assertThat(recorder.batches).containsExactly(List.of(first, third));
        recorder.callbacks.get(0).accept(true);
        assertThat(ran).containsExactly(first);
        s.release(List.of(first));
        s.startBatch();
        assertThat(ran).containsExactly(first, third);
    }
}
