package io.swmrfacade.writer.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.WriterConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer node's one loop thread. It owns the consumer, the transactions and the file;
 * handlers run on worker threads and hand their outcome back through a queue.
 *
 * <p>Each turn: poll tasks and queue them; write finished tasks to the file (rows last), flush
 * it and send their results at once into the open Kafka transaction ({@link Transactions});
 * send a durable start record for each task that may start now ({@link Attempts}), which runs
 * when Kafka acknowledges it; and every {@link #COMMIT_INTERVAL} or so hand the open transaction,
 * with the offsets its results cover, to the commit thread while the other producer takes the
 * next results. The loop applies a commit's outcome (offsets marked committed, attempt counts
 * cleared, or on a retriable failure the records sent again) when it drains its completion, on
 * this thread. A rebalance and the shutdown drain wait for the commit in flight and then commit
 * synchronously, so nothing is committed for a revoked partition.
 *
 * <p>A crash after the flush and before the commit replays those tasks: the {@link AppliedIndex}
 * recognises them and their results are published again from the file, in a new transaction,
 * so the file and the committed results topic hold each task once (a reader of uncommitted
 * results may see a result twice, the same row both times, and keeps the first). A task that
 * arrives with as many recorded starts as it may have is answered WORKER_CRASHED without running.
 */
public final class TaskLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(2);
    private static final Duration HANDBACK_WAIT = Duration.ofSeconds(2);
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(20);
    private static final int MAX_BATCH = 2000;

    private final WriterConfig config;
    private final String log;
    private final Clock clock;
    private final KafkaClients kafka;
    private final SwmrWriter file;
    private final HandlerRegistry handlers;
    private final Attempts attempts;
    private final Lanes lanes;
    private final KeyGate keys = new KeyGate();
    private final TaskChecks checks;
    private final TaskRunner runner;
    private final FileRecorder recorder;
    private final ResultRecords records;
    private final ExecutorService pool;
    private final ScheduledExecutorService timers;
    private final OffsetTracker offsets = new OffsetTracker();
    private final Transactions txns;
    private final ConcurrentLinkedQueue<Outcome> done = new ConcurrentLinkedQueue<>();
    /** Batches whose starts could not be recorded: they did not run and wait for another try. */
    private final ConcurrentLinkedQueue<List<Inflight>> unrecorded = new ConcurrentLinkedQueue<>();
    /** Results and dead letters to send once the file is flushed. */
    private final List<Transactions.Outgoing> unsent = new ArrayList<>();
    /** Tasks whose attempt count ends when the transaction their result goes in commits. */
    private final List<Inflight> clearOnCommit = new ArrayList<>();
    private final List<Inflight> handedBack = new ArrayList<>();
    /** Fetched records of partitions that hold the most open tasks they may; taken in order as tasks finish. */
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> backlog = new HashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicLong tasksDone = new AtomicLong();
    private long arrivals;
    private long lastCommitNanos = System.nanoTime();
    private volatile Throwable failure;

    public TaskLoop(WriterConfig config, Clock clock, KafkaClients kafka, SwmrWriter file, List<TaskHandler> extraHandlers) {
        this.config = config;
        this.log = "[" + config.nodeId() + "] ";
        this.clock = clock;
        this.kafka = kafka;
        this.file = file;
        List<TaskHandler> builtins = new ArrayList<>(BuiltinHandlers.all(config.getBoolean(WriterConfig.CRASH_HANDLER)));
        builtins.addAll(extraHandlers);
        this.handlers = new HandlerRegistry(builtins, config.getString(WriterConfig.PLUGIN_DIR));
        this.checks = new TaskChecks(handlers);
        AppliedIndex index = AppliedIndex.load(file);
        this.records = new ResultRecords(config.topics(), config.nodeId());
        this.recorder = new FileRecorder(file, index, records);
        this.pool = Executors.newCachedThreadPool(daemon("sf-task"));
        ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, daemon("sf-task-timer"));
        // Every run schedules its time limit and cancels it when done: drop cancelled timers at
        // once, or a busy node would keep one per task for the whole time limit.
        timerPool.setRemoveOnCancelPolicy(true);
        this.timers = timerPool;
        this.runner = new TaskRunner(config, handlers, timers, clock);
        Map<String, Integer> limits = config.concurrencyLimits();
        int fallback = config.getInt(WriterConfig.DEFAULT_CONCURRENCY);
        this.lanes = new Lanes(type -> {
            if (limits.containsKey(type)) {
                return limits.get(type);
            }
            TaskHandler h = handlers.get(type);
            return h != null && h.maxConcurrency() > 0 ? h.maxConcurrency() : fallback;
        }, keys);
        this.attempts = new Attempts(config, clock);
        this.txns = new Transactions(kafka, config.nodeId());
        LOG.info("{}file {} holds {} tasks; handlers {}", log, file.currentFile(), index.size(), handlers.types());
    }

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void run() {
        try {
            txns.init(stopping);
            AttemptsTopic.ensure(config);
            kafka.consumer().subscribe(List.of(config.topics().tasks()), new Rebalance());
            while (!stopping.get()) {
                boolean busy = lanes.inFlight() > 0 || !done.isEmpty() || txns.committing() || txns.openRecords() > 0
                        || !unsent.isEmpty();
                turn(busy ? BUSY_POLL : IDLE_POLL, true);
            }
            drainForShutdown();
        } catch (ProducerFencedException e) {
            failure = e;
            LOG.error("{}another node with id {} took over this node's transactions; stopping", log, config.nodeId());
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("{}task loop failed: {}", log, e.toString(), e);
        } finally {
            shutdownResources();
        }
    }

    private void turn(Duration pollTimeout, boolean startTasks) {
        ConsumerRecords<byte[], byte[]> polled;
        polling.set(true);
        try {
            polled = done.isEmpty() ? kafka.consumer().poll(pollTimeout) : kafka.consumer().poll(Duration.ZERO);
        } catch (WakeupException e) {
            polled = ConsumerRecords.empty();
        } finally {
            polling.set(false);
        }
        takeBacklog();
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            ArrayDeque<ConsumerRecord<byte[], byte[]>> waiting = backlog.get(tp);
            if (waiting != null || offsets.open(tp) >= OffsetTracker.MAX_OPEN_PER_PARTITION) {
                // The partition holds as many open tasks as its commit metadata can list: keep the
                // record, in order, until tasks finish (the partition stays paused meanwhile).
                backlog.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(r);
                continue;
            }
            take(tp, r);
        }
        published(txns.poll());
        retryUnrecorded();
        List<Inflight> ended = applyFinished();
        // Flush what finished, and send its results, before its slots start more: if a new task
        // kills the node, the restarted node answers the finished ones from the file instead of
        // running them (and counting them) again.
        sendUnsent();
        release(ended);
        if (startTasks) {
            startBatch();
        }
        maybeCommit();
        FetchControl.apply(kafka.consumer(), offsets, backlog.keySet(), config.getInt(WriterConfig.MAX_INFLIGHT), stopping.get());
    }

    /** Takes fetched records that waited for their partition to have room, in order. */
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
            task = TaskRequest.parseFrom(r.value() == null ? new byte[0] : r.value());
            if (task.getTaskId().isEmpty() || task.getSessionId().isEmpty()) {
                throw new InvalidProtocolBufferException("task_id and session_id are required");
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("{}dead-lettering {}-{}@{}: not a TaskRequest", log, r.topic(), r.partition(), r.offset());
            unsent.add(new Transactions.Outgoing(records.deadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(),
                    "not a TaskRequest: " + e.getMessage(), "", micros()), tp, epoch));
            offsets.finished(tp, epoch, r.offset());
            return;
        }
        int max = task.getMaxAttempts() > 0 ? task.getMaxAttempts() : config.getInt(WriterConfig.MAX_ATTEMPTS);
        Inflight t = new Inflight(task, tp, r.offset(), epoch, arrivals++, attempts.starts(task.getTaskId()), max);
        ProducerRecord<byte[], byte[]> replay = recorder.replay(task.getTaskId());
        if (replay != null) {
            // Already in the file: a replay. Publish the stored result again; never run it twice.
            unsent.add(new Transactions.Outgoing(replay, tp, epoch));
            clearOnCommit.add(t);
            offsets.finished(tp, epoch, r.offset());
            return;
        }
        String rejection = checks.rejection(task);
        if (rejection != null) {
            done.add(Outcome.withoutRun(t, TaskStatus.REJECTED, rejection, micros(), false));
        } else if (t.priorStarts() >= max) {
            String reason = "worker crashed " + t.priorStarts() + " times on this task";
            LOG.warn("{}task {} ({}): {}; not running it again", log, t.id(), task.getType(), reason);
            unsent.add(new Transactions.Outgoing(records.deadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(), reason,
                    t.id(), micros()), tp, epoch));
            done.add(Outcome.withoutRun(t, TaskStatus.WORKER_CRASHED, reason, micros(), false));
        } else if (keys.admit(t)) {
            lanes.add(t);
        }
    }

    /**
     * Runs the ready tasks that have slots, and sends durable start records for the waiting tasks
     * the lanes allow; those become ready when Kafka acknowledges the records (on its I/O thread,
     * which also runs them if they have slots), while the loop goes on.
     */
    private void startBatch() {
        runReady();
        List<Inflight> toRecord = lanes.toRecord();
        if (toRecord.isEmpty()) {
            return;
        }
        List<Inflight> run = new ArrayList<>(toRecord.size());
        long now = micros();
        for (Inflight t : toRecord) {
            long deadline = t.task().getDeadlineUs();
            if (deadline > 0 && now > deadline) {
                lanes.dropped(t);
                releaseKey(t);
                done.add(Outcome.withoutRun(t, TaskStatus.EXPIRED, "deadline passed " + (now - deadline) / 1000
                        + " ms before a worker could start the task", now, false));
            } else {
                run.add(t);
            }
        }
        if (run.isEmpty()) {
            return;
        }
        attempts.recordStarts(run, recorded -> {
            // On a Kafka I/O thread, which swallows exceptions: nothing may escape unhandled.
            try {
                if (recorded) {
                    lanes.recorded(run);
                    runReady();
                } else {
                    unrecorded.add(run);
                    wakeLoop();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("{}starting {} recorded tasks failed: {}", log, run.size(), e.toString(), e);
                wakeLoop();
            }
        });
    }

    /** Runs the ready tasks that have a slot. Loop thread or Kafka's acknowledgement callback. */
    private void runReady() {
        lanes.runnable().forEach(this::execute);
    }

    /**
     * Runs {@code t} on a worker thread; a task that cannot start because the node is stopping is
     * handed back, and one the pool cannot take for another reason (no thread could be made)
     * goes back to ready and is tried again.
     */
    private void execute(Inflight t) {
        try {
            pool.execute(() -> finish(runner.run(t)));
        } catch (RejectedExecutionException e) {
            finish(Outcome.handedBack(t));
        } catch (RuntimeException | Error e) {
            LOG.error("{}could not start task {} ({}); it waits to be started again", log, t.id(), e.toString());
            lanes.unrun(t);
            wakeLoop();
        }
    }

    /** Loop thread: batches whose starts were not recorded go back to their lanes, uncounted. */
    private void retryUnrecorded() {
        List<Inflight> run;
        while ((run = unrecorded.poll()) != null) {
            attempts.unrecorded(run);
            lanes.unrecorded(run);
        }
    }

    /** Runs on a worker thread. */
    private void finish(Outcome o) {
        done.add(o);
        wakeLoop();
    }

    /** Interrupts the loop's poll, once per poll: the first caller clears the flag, the rest find it clear. */
    private void wakeLoop() {
        if (polling.get() && polling.compareAndSet(true, false)) {
            kafka.consumer().wakeup();
        }
    }

    /**
     * Writes finished tasks to the file and stages their results; returns the tasks whose lane
     * slots and routing keys are now free ({@link #release}, once the file is flushed). Loop thread only.
     */
    private List<Inflight> applyFinished() {
        List<Inflight> ended = new ArrayList<>();
        Outcome o;
        while ((o = done.poll()) != null) {
            Inflight t = o.task();
            if (o.started()) {
                ended.add(t);
            }
            if (o.handedBack()) {
                handedBack.add(t);
                continue;
            }
            if (!offsets.current(t.tp(), t.epoch())) {
                continue; // the partition moved on while the task ran: its new owner runs it
            }
            unsent.add(new Transactions.Outgoing(recorder.record(o), t.tp(), t.epoch()));
            clearOnCommit.add(t);
            offsets.finished(t.tp(), t.epoch(), t.offset());
            tasksDone.incrementAndGet();
        }
        return ended;
    }

    /** Frees the lane slots and routing keys of tasks that ended. Loop thread only. */
    private void release(List<Inflight> ended) {
        for (Inflight t : ended) {
            lanes.finished(t);
            releaseKey(t);
        }
    }

    private void releaseKey(Inflight t) {
        Inflight next = keys.release(t);
        if (next != null && !stopping.get()) {
            lanes.add(next);
        }
    }

    /**
     * Flushes the file, then sends the staged results into the open transaction, where readers of
     * uncommitted results see them at once: every result sent names a row already in the file.
     */
    private void sendUnsent() {
        if (unsent.isEmpty() && clearOnCommit.isEmpty()) {
            return;
        }
        file.flush();
        for (Transactions.Outgoing o : unsent) {
            if (stillOwned(o)) {
                txns.send(o);
            }
        }
        clearOnCommit.forEach(txns::clearOnCommit);
        unsent.clear();
        clearOnCommit.clear();
    }

    /**
     * Commits the open transaction with the offsets its results cover, on the commit thread, once
     * the commit before it is done and either {@link #COMMIT_INTERVAL} has passed since that one
     * began, {@link #MAX_BATCH} results wait, or the node is idle. Commits no longer hold results
     * back (they are sent already); their pace only trades broker work against how soon
     * read-committed readers see results and how much a crash replays from the file.
     */
    private void maybeCommit() {
        if (txns.committing()) {
            return; // one commit at a time; the other producer takes results meanwhile
        }
        boolean idle = lanes.inFlight() == 0 && done.isEmpty();
        if (!idle && txns.openRecords() < MAX_BATCH && System.nanoTime() - lastCommitNanos < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        sendUnsent();
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        if (txns.openRecords() == 0 && commit.isEmpty()) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        txns.commit(commit, kafka.consumer().groupMetadata());
    }

    /**
     * Waits for the commit in flight, then flushes, sends and commits everything finished, on
     * this thread; returns that commit's outcome for the caller to apply ({@link #published}), or
     * null if there was nothing to commit.
     */
    private Transactions.Completion commitAllNow() {
        published(txns.await());
        sendUnsent();
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        lastCommitNanos = System.nanoTime();
        if (txns.openRecords() == 0 && commit.isEmpty()) {
            return null;
        }
        return txns.commitNow(commit, kafka.consumer().groupMetadata());
    }

    /** Applies a finished commit's outcome (null: none finished). Loop thread only. */
    private void published(Transactions.Completion c) {
        if (c == null) {
            return;
        }
        Transactions.Batch b = c.batch();
        if (c.committed()) {
            offsets.markCommitted(b.offsets());
            b.clears().forEach(attempts::clear);
        } else {
            // Aborted after a retriable failure: the records are in the file; send them again,
            // those of partitions this node still owns (a new owner answers the others).
            resend(b);
        }
    }

    /** True if the record answers for no partition, or for one owned under the same assignment as when it was made. */
    private boolean stillOwned(Transactions.Outgoing o) {
        return o.source() == null || offsets.current(o.source(), o.epoch());
    }

    /** Sends a batch that did not commit again: the records and counts of partitions still owned under the same assignment. */
    private void resend(Transactions.Batch b) {
        int dropped = 0;
        for (Transactions.Outgoing o : b.records()) {
            if (stillOwned(o)) {
                txns.send(o);
            } else {
                dropped++;
            }
        }
        for (Inflight t : b.clears()) {
            if (offsets.current(t.tp(), t.epoch())) {
                txns.clearOnCommit(t);
            }
        }
        if (dropped > 0) {
            LOG.info("{}{} uncommitted results of partitions no longer owned were dropped; their new owner answers them", log, dropped);
        }
    }

    /**
     * Runs inside the consumer's poll. Workers must not wake the consumer meanwhile (a wake-up
     * would make the listener's own consumer calls throw), so each method first clears
     * {@link #polling}; a wake-up that came before is absorbed by {@link #committed}.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            polling.set(false);
            // Record and commit what finished before giving the partitions up.
            List<Inflight> ended = applyFinished();
            Transactions.Completion last = commitAllNow();
            release(ended);
            forget(partitions);
            // Applied after the partitions are gone: if that commit failed, their results are
            // not sent again (the next owner runs those tasks), only the other partitions' are.
            published(last);
            LOG.info("{}revoked {}", log, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            polling.set(false);
            published(txns.await()); // its group metadata predates this rebalance
            attempts.load(partitions);
            offsets.assigned(partitions, committed(new HashSet<>(partitions)));
            LOG.info("{}assigned {}", log, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            polling.set(false);
            Transactions.Completion inFlight = txns.await();
            forget(partitions);
            published(inFlight);
            // Results of the lost partitions may sit in the open transaction: abort it, and
            // send again only what this node still owns.
            resend(txns.abortOpen());
            LOG.warn("{}lost {}", log, partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            offsets.revoked(partitions);
            partitions.forEach(backlog::remove);
            attempts.forget(partitions);
        }

        /** The committed offsets, asked again if a wake-up meant for the poll interrupts the call. */
        private Map<TopicPartition, OffsetAndMetadata> committed(java.util.Set<TopicPartition> partitions) {
            for (int i = 0; ; i++) {
                try {
                    return kafka.consumer().committed(partitions);
                } catch (WakeupException e) {
                    if (i >= 3) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Stop fetching and starting; let running tasks finish within the shutdown timeout; hand back the rest. */
    private void drainForShutdown() {
        kafka.consumer().pause(kafka.consumer().assignment());
        int dropped = lanes.close() + keys.clear();
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while ((lanes.running() > 0 || lanes.recording() > 0) && System.nanoTime() < deadline) {
            turn(BUSY_POLL, false);
        }
        int interrupted = lanes.running();
        if (interrupted > 0) {
            pool.shutdownNow();
            long waitUntil = System.nanoTime() + HANDBACK_WAIT.toNanos();
            while (lanes.running() > 0 && System.nanoTime() < waitUntil) {
                turn(BUSY_POLL, false);
            }
            LOG.warn("{}{} tasks still running at shutdown were interrupted and handed back", log, interrupted);
        }
        release(applyFinished());
        published(commitAllNow());
        List<Inflight> neverRun = lanes.takeReady();
        handedBack.addAll(neverRun);
        attempts.takeBack(handedBack);
        LOG.info("{}stopped after {} tasks; {} queued tasks handed back", log, tasksDone.get(), dropped + neverRun.size());
    }

    private void shutdownResources() {
        txns.close();
        pool.shutdownNow();
        timers.shutdownNow();
        try {
            file.close();
        } catch (RuntimeException e) {
            LOG.error("{}closing {} failed: {}", log, file.currentFile(), e.toString());
        }
        attempts.close();
        kafka.close();
    }

    /** Asks the loop to stop; returns at once. */
    public void stop() {
        stopping.set(true);
        kafka.consumer().wakeup();
    }

    public Throwable failure() {
        return failure;
    }

    public long tasksDone() {
        return tasksDone.get();
    }

    public Map<String, Integer> runningByType() {
        return lanes.runningByType();
    }

    public int running() {
        return lanes.running();
    }

    private long micros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
