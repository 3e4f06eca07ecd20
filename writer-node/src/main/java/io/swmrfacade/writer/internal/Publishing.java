package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * Publishes what finished: records each outcome in the file, flushes, sends the results (and
 * dead letters) into the open transaction at once, and paces the commits that carry the offsets
 * they answer for. Applies each commit's outcome: offsets marked committed and attempt counts
 * ended, or, after a retriable failure, the records sent again.
 *
 * <p>One ownership check ({@link #owns}) decides, everywhere, whether a record or outcome still
 * answers for a partition this node holds under the assignment it was taken in: a result of a
 * partition that moved on is neither recorded, sent nor sent again; its new owner answers it.
 *
 * <p>Loop thread only, but for {@link #finished(Outcome)}, which any thread may call.
 */
final class Publishing implements Intake.Sink {

    /**
     * Commits at most this often (group commit). Results do not wait for it (they are sent
     * uncommitted at once); it sets how soon read-committed readers see them, how many tasks a
     * crash replays, and how often the broker registers a new transaction's partitions and writes
     * its markers. Measured at 1,000 tasks/s (docs/BENCHMARKS.md, session 18): every 100 ms
     * instead of 20 took the p99 of a result's way to the client from 3.4-4.7 ms to 2.8-3.0.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    /** ... unless this many results wait. */
    static final int MAX_BATCH = 2000;

    private final Logger log;
    private final Transactions txns;
    private final OffsetTracker offsets;
    private final UnaryOperator<List<Transactions.Outgoing>> packing;
    private final Function<Outcome, ProducerRecord<byte[], byte[]>> recorder;
    private final Runnable flush;
    private final Consumer<List<Inflight>> attemptsOver;
    private final Supplier<ConsumerGroupMetadata> group;
    private final LongSupplier nanoTime;
    private final ConcurrentLinkedQueue<Outcome> finished = new ConcurrentLinkedQueue<>();
    /** Outcomes of tasks that ran on the loop thread, in the order they ran. */
    private final List<Outcome> ranHere = new ArrayList<>();
    /** Results and dead letters to send once the file is flushed. */
    private final List<Transactions.Outgoing> unsent = new ArrayList<>();
    /** Tasks whose attempt count ends when the transaction their result goes in commits. */
    private final List<Inflight> clearOnCommit = new ArrayList<>();
    private final List<Inflight> handedBack = new ArrayList<>();
    private final AtomicLong tasksDone = new AtomicLong();
    private long lastCommitNanos;

    /**
     * @param packing      the records to send for those a flush staged ({@link ResultPacking}, or as they are)
     * @param recorder     writes an outcome into the file (visible at the next flush) and returns its result
     * @param flush        flushes the file
     * @param attemptsOver ends the attempt counts of tasks whose results are committed (one call per commit)
     * @param group        the consumer's group metadata, read on the loop thread for each commit
     */
    Publishing(Transactions txns, OffsetTracker offsets, UnaryOperator<List<Transactions.Outgoing>> packing,
               Function<Outcome, ProducerRecord<byte[], byte[]>> recorder,
               Runnable flush, Consumer<List<Inflight>> attemptsOver, Supplier<ConsumerGroupMetadata> group,
               LongSupplier nanoTime, LogContext logs) {
        this.txns = txns;
        this.offsets = offsets;
        this.packing = packing;
        this.recorder = recorder;
        this.flush = flush;
        this.attemptsOver = attemptsOver;
        this.group = group;
        this.nanoTime = nanoTime;
        this.lastCommitNanos = nanoTime.getAsLong();
        this.log = logs.logger(Publishing.class);
    }

    /** A task ended (or was answered without running, or handed back). Any thread. */
    void finished(Outcome o) {
        finished.add(o);
    }

    /** A task ran to {@code o} on the loop thread. Loop thread only. */
    void ranHere(Outcome o) {
        ranHere.add(o);
    }

    @Override
    public void answered(Outcome o) {
        finished(o);
    }

    @Override
    public void stage(Transactions.Outgoing record) {
        unsent.add(record);
    }

    @Override
    public void clearOnCommit(Inflight t) {
        clearOnCommit.add(t);
    }

    /** Outcomes wait to be recorded. */
    boolean hasFinished() {
        return !finished.isEmpty() || !ranHere.isEmpty();
    }

    /** Something waits to be recorded, sent or committed. */
    boolean busy() {
        return hasFinished() || !unsent.isEmpty() || txns.committing() || txns.openRecords() > 0;
    }

    /**
     * The one ownership check: true if a record or task answers for no partition, or for one this
     * node still owns under the assignment it was taken in.
     */
    boolean owns(TopicPartition source, long epoch) {
        return source == null || offsets.current(source, epoch);
    }

    /**
     * Writes finished tasks to the file and stages their results; returns the tasks whose lane
     * slots and routing keys are now free (to release once the file is flushed, {@link #sendStaged}).
     */
    List<Inflight> recordFinished() {
        List<Inflight> ended = new ArrayList<>();
        recordRanHere(ended);
        Outcome o;
        while ((o = finished.poll()) != null) {
            record(o, ended);
        }
        return ended;
    }

    /**
     * Writes the outcomes of tasks that just ran on the loop thread to the file, without a flush,
     * and returns their tasks for their slots and routing keys to be freed at once, so that the
     * next task of each key may run in the same turn ({@link TaskLoop}'s chain): if every such
     * outcome is of a first start with a routing key (such as an append to a stream). Otherwise
     * records nothing and returns an empty list: those outcomes wait for {@link #recordFinished},
     * and the flush before more starts.
     *
     * <p>A first start, unlike a suspect's, may share a crash with the tasks beside it: if a task
     * later in the chain kills the node, the earlier ones, not yet flushed, run again after it
     * restarts and count one start more, as tasks running beside it on worker threads do.
     */
    List<Inflight> recordChained() {
        if (ranHere.isEmpty()) {
            return List.of();
        }
        for (Outcome o : ranHere) {
            if (!chains(o)) {
                return List.of();
            }
        }
        List<Inflight> ended = new ArrayList<>(ranHere.size());
        recordRanHere(ended);
        return ended;
    }

    /** A first start with a routing key that ran: its key may start the next task before the flush. */
    private static boolean chains(Outcome o) {
        Inflight t = o.task();
        return o.started() && !o.handedBack() && t.priorStarts() == 0 && !t.task().getRoutingKey().isEmpty();
    }

    private void recordRanHere(List<Inflight> ended) {
        ranHere.forEach(o -> record(o, ended));
        ranHere.clear();
    }

    /** Records {@code o} in the file and stages its result (if its partition is still owned); adds its task to {@code ended} if it started. */
    private void record(Outcome o, List<Inflight> ended) {
        Inflight t = o.task();
        if (o.started()) {
            ended.add(t);
        }
        if (o.handedBack()) {
            handedBack.add(t);
            return;
        }
        if (!owns(t.tp(), t.epoch())) {
            return; // the partition moved on while the task ran: its new owner runs it
        }
        unsent.add(new Transactions.Outgoing(recorder.apply(o), t.tp(), t.epoch()));
        clearOnCommit.add(t);
        offsets.finished(t.tp(), t.epoch(), t.offset());
        tasksDone.incrementAndGet();
    }

    /**
     * Flushes the file, then sends the staged results into the open transaction, where readers of
     * uncommitted results see them at once: every result sent names a row already in the file.
     * The results of one session mostly go out packed, a record per task partition they answer for.
     */
    void sendStaged() {
        if (unsent.isEmpty() && clearOnCommit.isEmpty()) {
            return;
        }
        flush.run();
        for (Transactions.Outgoing o : packing.apply(unsent)) {
            if (owns(o.source(), o.epoch())) {
                txns.send(o);
            }
        }
        clearOnCommit.forEach(txns::clearOnCommit);
        unsent.clear();
        clearOnCommit.clear();
    }

    /**
     * Commits the open transaction with the offsets its results cover, in the background, once
     * the commit before it is done and either {@link #COMMIT_INTERVAL} has passed since that one
     * began or {@link #MAX_BATCH} results wait. Commits do not hold results back (they are sent
     * already); their pace only trades broker work against how soon read-committed readers see
     * results and how much a crash replays from the file.
     *
     * <p>Not at once when the node is idle: at a steady trickle that would commit after every
     * task, so every result would open a transaction and pay for adding its partition to it
     * (and each commit costs the broker three requests).
     */
    void maybeCommit() {
        if (txns.committing()) {
            return; // one commit at a time; the other producer takes results meanwhile
        }
        if (txns.openRecords() < MAX_BATCH && nanoTime.getAsLong() - lastCommitNanos < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        sendStaged();
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        if (txns.openRecords() == 0 && commit.isEmpty()) {
            return;
        }
        lastCommitNanos = nanoTime.getAsLong();
        txns.commit(commit, group.get());
    }

    /**
     * Waits for the commit in flight, then flushes, sends and commits everything finished, on
     * this thread; returns that commit's outcome for the caller to {@link #apply}, or null if
     * there was nothing to commit.
     */
    Transactions.Completion commitAllNow() {
        apply(txns.await());
        sendStaged();
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        lastCommitNanos = nanoTime.getAsLong();
        if (txns.openRecords() == 0 && commit.isEmpty()) {
            return null;
        }
        return txns.commitNow(commit, group.get());
    }

    /** Applies the background commit's outcome if it has finished; does not wait. */
    void drainCommit() {
        apply(txns.poll());
    }

    /** Waits for the background commit, if any, and returns its outcome, not yet applied. */
    Transactions.Completion awaitCommit() {
        return txns.await();
    }

    /** Applies a finished commit's outcome (null: none finished). */
    void apply(Transactions.Completion c) {
        if (c == null) {
            return;
        }
        Transactions.Batch b = c.batch();
        if (c.committed()) {
            offsets.markCommitted(b.offsets());
            attemptsOver.accept(b.clears());
        } else {
            // Aborted after a retriable failure: the records are in the file; send them again,
            // those of partitions this node still owns (a new owner answers the others).
            resend(b);
        }
    }

    /** After partitions were lost: aborts the open transaction and sends again what this node still owns. */
    void abortOpen() {
        resend(txns.abortOpen());
    }

    private void resend(Transactions.Batch b) {
        int dropped = 0;
        for (Transactions.Outgoing o : b.records()) {
            if (owns(o.source(), o.epoch())) {
                txns.send(o);
            } else {
                dropped++;
            }
        }
        for (Inflight t : b.clears()) {
            if (owns(t.tp(), t.epoch())) {
                txns.clearOnCommit(t);
            }
        }
        if (dropped > 0) {
            log.info("{} uncommitted results of partitions no longer owned were dropped; their new owner answers them", dropped);
        }
    }

    /** Tasks interrupted by a shutdown so far, to hand back. */
    List<Inflight> handedBack() {
        return handedBack;
    }

    long tasksDone() {
        return tasksDone.get();
    }
}
