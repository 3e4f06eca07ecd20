package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing without a broker or a file: an in-memory transaction log and a recorder that notes what it wrote. */
class PublishingTest {

    private static final TopicPartition P0 = new TopicPartition("sf.tasks", 0);
    private static final TopicPartition P1 = new TopicPartition("sf.tasks", 1);

    /** Transactions in memory: the commit "in flight" ends when the test says, committed or aborted. */
    private static final class MemoryTransactions implements Transactions {
        final List<String> events;
        List<Outgoing> open = new ArrayList<>();
        List<Inflight> clears = new ArrayList<>();
        Batch inFlight;
        Completion done;
        final List<Batch> committed = new ArrayList<>();

        MemoryTransactions(List<String> events) {
            this.events = events;
        }

        @Override
        public void init(BooleanSupplier stop) {
        }

        @Override
        public void send(Outgoing record) {
            events.add("send " + record.record().value()[0]);
            open.add(record);
        }

        @Override
        public void clearOnCommit(Inflight t) {
            clears.add(t);
        }

        @Override
        public int openRecords() {
            return open.size();
        }

        @Override
        public boolean committing() {
            return inFlight != null;
        }

        @Override
        public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            inFlight = take(offsets);
        }

        private Batch take(Map<TopicPartition, OffsetAndMetadata> offsets) {
            Batch b = new Batch(open, offsets, clears);
            open = new ArrayList<>();
            clears = new ArrayList<>();
            return b;
        }

        void end(boolean ok) {
            done = new Completion(inFlight, ok);
            if (ok) {
                committed.add(inFlight);
            }
        }

        @Override
        public Completion commitNow(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            Batch b = take(offsets);
            committed.add(b);
            return new Completion(b, true);
        }

        @Override
        public Completion poll() {
            Completion c = done;
            if (c != null) {
                done = null;
                inFlight = null;
            }
            return c;
        }

        @Override
        public Completion await() {
            if (inFlight != null && done == null) {
                end(true);
            }
            return poll();
        }

        @Override
        public Batch abortOpen() {
            return take(Map.of());
        }

        @Override
        public void close() {
        }
    }

    private final List<String> events = new ArrayList<>();
    private final MemoryTransactions txns = new MemoryTransactions(events);
    private final OffsetTracker offsets = new OffsetTracker();
    private final List<Inflight> attemptsOver = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private Publishing publishing;
    private long seq;

    @BeforeEach
    void setUp() {
        offsets.assigned(List.of(P0, P1), Map.of());
        publishing = new Publishing(txns, offsets, java.util.function.UnaryOperator.identity(), o -> {
            events.add("row " + o.task().id());
            return new ProducerRecord<>("sf.results", new byte[] {(byte) o.task().offset()});
        }, () -> events.add("flush"), attemptsOver::addAll, () -> new ConsumerGroupMetadata("sf.writers"), nanos::get,
                new LogContext());
    }

    private Inflight taken(TopicPartition tp, long offset) {
        long epoch = offsets.taken(tp, offset);
        return new Inflight(TaskRequest.newBuilder().setTaskId("t" + offset).build(), tp, offset, epoch, seq++, 0, 3);
    }

    private Inflight keyed(TopicPartition tp, long offset, String key, int priorStarts) {
        long epoch = offsets.taken(tp, offset);
        TaskRequest task = TaskRequest.newBuilder().setTaskId("t" + offset).setRoutingKey(key).build();
        return new Inflight(task, tp, offset, epoch, seq++, priorStarts, 3);
    }

    private void ranHere(Inflight t) {
        publishing.ranHere(new Outcome(t, TaskStatus.OK, new byte[0], null, 1, 2, 1, true));
    }

    private void finish(Inflight t) {
        publishing.finished(new Outcome(t, TaskStatus.OK, new byte[0], null, 1, 2, 1, true));
    }

    @Test
    void results_are_sent_only_after_the_file_is_flushed() {
        Inflight a = taken(P0, 1);
        Inflight b = taken(P0, 2);
        finish(a);
        finish(b);
        assertThat(publishing.recordFinished()).containsExactly(a, b);
        publishing.sendStaged();
        assertThat(events).containsExactly("row t1", "row t2", "flush", "send 1", "send 2");
        assertThat(publishing.tasksDone()).isEqualTo(2);
    }

    @Test
    void first_starts_of_a_key_that_ran_on_the_loop_chain_without_a_flush_and_are_sent_after_the_next() {
        Inflight a = keyed(P0, 1, "stream", 0);
        Inflight b = keyed(P0, 2, "stream", 0);
        ranHere(a);
        assertThat(publishing.hasFinished()).isTrue();
        assertThat(publishing.recordChained()).containsExactly(a);
        ranHere(b);
        assertThat(publishing.recordChained()).containsExactly(b);
        assertThat(events).as("written, not flushed, not sent").containsExactly("row t1", "row t2");
        assertThat(publishing.hasFinished()).isFalse();
        publishing.sendStaged();
        assertThat(events).containsExactly("row t1", "row t2", "flush", "send 1", "send 2");
        assertThat(publishing.tasksDone()).isEqualTo(2);
    }

    @Test
    void a_suspect_a_task_without_a_key_or_one_that_did_not_start_does_not_chain_nor_do_those_beside_it() {
        for (Inflight other : List.of(keyed(P0, 2, "stream", 1), keyed(P0, 3, "", 0))) {
            Inflight keyedFirst = keyed(P1, other.offset(), "stream", 0);
            ranHere(keyedFirst);
            ranHere(other);
            assertThat(publishing.recordChained()).isEmpty();
            assertThat(events).isEmpty();
            assertThat(publishing.recordFinished()).as("the next turn records them, and flushes before more start")
                    .containsExactly(keyedFirst, other);
            events.clear();
        }
        Inflight cancelled = keyed(P0, 4, "stream", 0);
        publishing.ranHere(new Outcome(cancelled, TaskStatus.CANCELLED, new byte[0], null, 0, 0, 0, false));
        assertThat(publishing.recordChained()).isEmpty();
        assertThat(publishing.recordFinished()).as("never started: no slot to free").isEmpty();
    }

    @Test
    void outcomes_of_worker_threads_never_chain() {
        Inflight a = keyed(P0, 1, "stream", 0);
        finish(a);
        assertThat(publishing.recordChained()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(publishing.recordFinished()).containsExactly(a);
    }

    @Test
    void a_task_whose_partition_moved_on_is_neither_recorded_nor_sent() {
        Inflight a = taken(P0, 1);
        offsets.revoked(List.of(P0));
        offsets.assigned(List.of(P0), Map.of());
        finish(a);
        assertThat(publishing.recordFinished()).containsExactly(a);
        publishing.sendStaged();
        assertThat(events).isEmpty();
        assertThat(publishing.owns(P0, a.epoch())).isFalse();
        assertThat(publishing.owns(null, 0)).isTrue();
    }

    @Test
    void commits_wait_for_the_interval_even_when_idle_and_one_at_a_time() {
        finish(taken(P0, 1));
        publishing.recordFinished();
        publishing.maybeCommit();
        assertThat(txns.committing()).as("idle, but the interval has not passed").isFalse();
        nanos.addAndGet(Publishing.COMMIT_INTERVAL.toNanos());
        publishing.maybeCommit();
        assertThat(txns.committing()).isTrue();
        assertThat(txns.inFlight.offsets().get(P0).offset()).isEqualTo(2);

        finish(taken(P0, 2));
        publishing.recordFinished();
        commitDue();
        assertThat(txns.inFlight.records()).hasSize(1).as("one commit at a time");
        txns.end(true);
        publishing.drainCommit();
        commitDue();
        assertThat(txns.inFlight.offsets().get(P0).offset()).isEqualTo(3);
    }

    /** The commit interval passes, and the loop turns. */
    private void commitDue() {
        nanos.addAndGet(Publishing.COMMIT_INTERVAL.toNanos());
        publishing.maybeCommit();
    }

    @Test
    void a_committed_batch_ends_its_attempt_counts_and_an_aborted_one_is_sent_again_for_owned_partitions_only() {
        Inflight a = taken(P0, 1);
        Inflight b = taken(P1, 1);
        Inflight c = taken(P1, 2);
        finish(a);
        finish(b);
        publishing.recordFinished();
        commitDue();
        offsets.revoked(List.of(P1)); // P1 moves to another node while the commit fails
        txns.end(false);
        publishing.drainCommit();
        assertThat(txns.open).extracting(o -> o.source()).containsExactly(P0);
        assertThat(txns.clears).containsExactly(a);

        commitDue();
        txns.end(true);
        publishing.drainCommit();
        assertThat(attemptsOver).containsExactly(a);
        assertThat(c.epoch()).isEqualTo(b.epoch());
    }

    @Test
    void commit_all_now_waits_for_the_commit_in_flight_and_commits_the_rest_on_the_calling_thread() {
        finish(taken(P0, 1));
        publishing.recordFinished();
        commitDue();
        finish(taken(P0, 2));
        publishing.recordFinished();
        Transactions.Completion last = publishing.commitAllNow();
        assertThat(txns.committed).hasSize(2);
        assertThat(last.committed()).isTrue();
        assertThat(last.batch().offsets().get(P0).offset()).isEqualTo(3);
    }
}
