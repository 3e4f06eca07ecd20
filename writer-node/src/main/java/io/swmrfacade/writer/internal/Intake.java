package io.swmrfacade.writer.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * Takes fetched task records in: holds back those of partitions at their open-task bound (the
 * backlog), skips what a previous owner finished, decodes, dead-letters what is not a task,
 * answers replays from the file, rejects what can never run here, answers what was cancelled or
 * is past its deadline ({@link QueueChecks}), fails tasks that used up their starts, and admits
 * the rest to their key order and lanes.
 *
 * <p>Loop thread only; not thread-safe.
 */
final class Intake {

    /** Where taken records go: results and dead letters to send, and tasks answered without running. */
    interface Sink {
        /** A record to send once the file is flushed. */
        void stage(Transactions.Outgoing record);

        /** {@code t}'s attempt count ends when the transaction its (replayed) result goes in commits. */
        void clearOnCommit(Inflight t);

        /** {@code o} is answered without running: it is recorded like a finished task. */
        void answered(Outcome o);
    }

    private final Logger log;
    private final Clock clock;
    private final OffsetTracker offsets;
    private final ResultRecords records;
    private final Function<String, ProducerRecord<byte[], byte[]>> replays;
    private final Function<TaskRequest, String> rejection;
    private final ToIntFunction<String> priorStarts;
    private final int defaultMaxAttempts;
    private final KeyGate keys;
    private final Lanes lanes;
    private final Sink sink;
    private final WriterMetrics metrics;
    private final QueueChecks checks;
    /** Fetched records of partitions that hold the most open tasks they may; taken in order as tasks finish. */
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> backlog = new HashMap<>();
    private long arrivals;

    /**
     * @param replays     the stored result of a task the file already holds, or null
     * @param rejection   why a task can never run on this node, or null
     * @param priorStarts recorded starts of a task id so far
     */
    Intake(OffsetTracker offsets, ResultRecords records, Function<String, ProducerRecord<byte[], byte[]>> replays,
           Function<TaskRequest, String> rejection, ToIntFunction<String> priorStarts, int defaultMaxAttempts,
           KeyGate keys, Lanes lanes, Sink sink, QueueChecks checks, Clock clock, LogContext logs,
           WriterMetrics metrics) {
        this.offsets = offsets;
        this.records = records;
        this.replays = replays;
        this.rejection = rejection;
        this.priorStarts = priorStarts;
        this.defaultMaxAttempts = defaultMaxAttempts;
        this.keys = keys;
        this.lanes = lanes;
        this.sink = sink;
        this.metrics = metrics;
        this.checks = checks;
        this.clock = clock;
        this.log = logs.logger(Intake.class);
    }

    /** Takes what waited in the backlog and has room now, then {@code polled}, in order per partition. */
    void take(Iterable<ConsumerRecord<byte[], byte[]>> polled) {
        takeBacklog();
        TopicPartition tp = null;
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            if (tp == null || tp.partition() != r.partition() || !tp.topic().equals(r.topic())) {
                tp = new TopicPartition(r.topic(), r.partition()); // records come grouped by partition: one per group
            }
            ArrayDeque<ConsumerRecord<byte[], byte[]>> waiting = backlog.get(tp);
            if (waiting != null || offsets.open(tp) >= OffsetTracker.MAX_OPEN_PER_PARTITION) {
                // The partition holds as many open tasks as its commit metadata can list: keep the
                // record, in order, until tasks finish (the partition stays paused meanwhile).
                backlog.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(r);
                continue;
            }
            take(tp, r);
        }
    }

    /** Partitions with fetched records still waiting for room. */
    Set<TopicPartition> backlogged() {
        return backlog.keySet();
    }

    /** Drops the backlog of partitions this node no longer owns. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(backlog::remove);
    }

    private void takeBacklog() {
        for (var it = backlog.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ArrayDeque<ConsumerRecord<byte[], byte[]>> waiting = e.getValue();
            while (!waiting.isEmpty() && offsets.open(e.getKey()) < OffsetTracker.MAX_OPEN_PER_PARTITION) {
                take(e.getKey(), waiting.poll());
            }
            if (waiting.isEmpty()) {
                it.remove();
            }
        }
    }

    private void take(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        boolean doneBefore = offsets.doneBefore(tp, r.offset());
        long epoch = offsets.taken(tp, r.offset());
        if (epoch < 0) {
            return;
        }
        if (doneBefore) {
            offsets.finished(tp, epoch, r.offset()); // its result was committed by this partition's previous owner
            return;
        }
        TaskRequest task;
        try {
            task = decode(r.value());
        } catch (InvalidProtocolBufferException e) {
            log.warn("dead-lettering {}-{}@{}: not a TaskRequest", r.topic(), r.partition(), r.offset());
            sink.stage(new Transactions.Outgoing(records.deadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(),
                    "not a TaskRequest: " + e.getMessage(), "", EpochMicros.now(clock)), tp, epoch));
            offsets.finished(tp, epoch, r.offset());
            return;
        }
        int max = task.getMaxAttempts() > 0 ? task.getMaxAttempts() : defaultMaxAttempts;
        Inflight t = new Inflight(task, tp, r.offset(), epoch, arrivals++, priorStarts.applyAsInt(task.getTaskId()), max);
        metrics.taken(t);
        ProducerRecord<byte[], byte[]> replay = replays.apply(task.getTaskId());
        if (replay != null) {
            // Already in the file: a replay. Publish the stored result again; never run it twice.
            sink.stage(new Transactions.Outgoing(replay, tp, epoch));
            sink.clearOnCommit(t);
            offsets.finished(tp, epoch, r.offset());
            return;
        }
        String rejected = rejection.apply(task);
        Outcome stop;
        if (rejected != null) {
            sink.answered(Outcome.withoutRun(t, TaskStatus.REJECTED, rejected, EpochMicros.now(clock), false));
        } else if ((stop = checks.stop(t, false)) != null) {
            sink.answered(stop);
        } else if (t.priorStarts() >= max) {
            String reason = "worker crashed " + t.priorStarts() + " times on this task";
            log.warn("task {} ({}): {}; not running it again", t.id(), task.getType(), reason);
            long now = EpochMicros.now(clock);
            sink.stage(new Transactions.Outgoing(records.deadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(),
                    reason, t.id(), now), tp, epoch));
            sink.answered(Outcome.withoutRun(t, TaskStatus.WORKER_CRASHED, reason, now, false));
        } else if (keys.admit(t)) {
            lanes.add(t);
        }
    }

    /**
     * Parses {@code value} without copying the payload out of it: the request's payload is a view
     * of the record's own array, which nothing else holds or changes.
     */
    private static TaskRequest decode(byte[] value) throws InvalidProtocolBufferException {
        TaskRequest task = TaskRequest.parser().parseFrom(AliasedInput.of(value == null ? new byte[0] : value));
        if (task.getTaskId().isEmpty() || task.getSessionId().isEmpty()) {
            throw new InvalidProtocolBufferException("task_id and session_id are required");
        }
        return task;
    }
}
