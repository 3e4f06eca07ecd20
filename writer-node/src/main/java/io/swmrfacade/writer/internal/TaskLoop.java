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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * The writer node's one loop thread. It owns the consumer, the transactional producer and the
 * file; handlers run on worker threads and hand their outcome back through a queue.
 *
 * <p>Each turn: poll tasks and queue them; write finished tasks to the file (rows last) and flush
 * it; durably count a start of each task that may start now ({@link Attempts}), then start them;
 * then hand the finished tasks' results and the consumed offsets to the {@link Publisher}, which
 * publishes and commits them in one Kafka transaction on its own thread while the loop goes on.
 * One transaction is in flight at a time; what finishes meanwhile waits for the next one. The
 * loop applies a transaction's outcome (offsets marked committed, attempt counts cleared, or on a
 * retriable failure the records put back ahead of newer ones) when it drains the publisher's
 * completion, on this thread. A rebalance and the shutdown drain wait for the transaction in
 * flight and then publish synchronously, so nothing is committed for a revoked partition.
 * A crash after the flush and before the commit replays those tasks: the {@link AppliedIndex}
 * recognises them and their results are published again from the file, in a new transaction,
 * so the file and the committed results topic hold each task once. A task that arrives with as
 * many recorded starts as it may have is answered WORKER_CRASHED without running.
 */
public final class TaskLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(2);
    private static final Duration HANDBACK_WAIT = Duration.ofSeconds(2);
    private static final Duration MAX_COMMIT_DELAY = Duration.ofMillis(20);
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
    private final Publisher publisher;
    private final ConcurrentLinkedQueue<Outcome> done = new ConcurrentLinkedQueue<>();
    private final List<ProducerRecord<byte[], byte[]>> unpublished = new ArrayList<>();
    /** Tasks whose attempt count ends when {@link #unpublished} commits. */
    private final List<Inflight> clearOnCommit = new ArrayList<>();
    private final List<Inflight> handedBack = new ArrayList<>();
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
        this.checks = new TaskChecks(handlers, config.getInt(WriterConfig.MAX_PAYLOAD_BYTES));
        AppliedIndex index = AppliedIndex.load(file);
        this.records = new ResultRecords(config.topics(), config.nodeId());
        this.recorder = new FileRecorder(file, index, records);
        this.pool = Executors.newCachedThreadPool(daemon("sf-task"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("sf-task-timer"));
        this.runner = new TaskRunner(config, handlers, timers, clock);
        Map<String, Integer> limits = config.concurrencyLimits();
        int fallback = config.getInt(WriterConfig.DEFAULT_CONCURRENCY);
        this.lanes = new Lanes(type -> {
            if (limits.containsKey(type)) {
                return limits.get(type);
            }
            TaskHandler h = handlers.get(type);
            return h != null && h.maxConcurrency() > 0 ? h.maxConcurrency() : fallback;
        });
        this.attempts = new Attempts(config, clock);
        this.publisher = new Publisher(kafka, config.nodeId());
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
            kafka.initTransactions(stopping);
            AttemptsTopic.ensure(config);
            kafka.consumer().subscribe(List.of(config.topics().tasks()), new Rebalance());
            while (!stopping.get()) {
                boolean busy = lanes.running() > 0 || !done.isEmpty() || !publisher.idle() || !unpublished.isEmpty();
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
        Set<TopicPartition> full = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (full.contains(tp)) {
                continue;
            }
            if (offsets.open(tp) >= OffsetTracker.MAX_OPEN_PER_PARTITION) {
                // Take no more from this partition for now; fetch this record again once tasks finish.
                full.add(tp);
                kafka.consumer().seek(tp, r.offset());
                kafka.consumer().pause(List.of(tp));
                continue;
            }
            take(tp, r);
        }
        published(publisher.poll());
        boolean applied = applyFinished() > 0;
        if (startTasks) {
            // Flush what finished before starting more: if a new task kills the node, the restarted
            // node answers the finished ones from the file instead of running them (and counting
            // them) again. The commit then overlaps with the new tasks' work.
            if (applied) {
                file.flush();
            }
            startBatch();
        }
        maybePublish();
        FetchControl.apply(kafka.consumer(), offsets, config.getInt(WriterConfig.MAX_INFLIGHT), stopping.get());
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
            unpublished.add(records.deadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(),
                    "not a TaskRequest: " + e.getMessage(), "", micros()));
            offsets.finished(tp, epoch, r.offset());
            return;
        }
        int max = task.getMaxAttempts() > 0 ? task.getMaxAttempts() : config.getInt(WriterConfig.MAX_ATTEMPTS);
        Inflight t = new Inflight(task, tp, r.offset(), epoch, arrivals++, attempts.starts(task.getTaskId()), max);
        ProducerRecord<byte[], byte[]> replay = recorder.replay(task.getTaskId());
        if (replay != null) {
            // Already in the file: a replay. Publish the stored result again; never run it twice.
            unpublished.add(replay);
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
            unpublished.add(records.deadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(), reason,
                    t.id(), micros()));
            done.add(Outcome.withoutRun(t, TaskStatus.WORKER_CRASHED, reason, micros(), false));
        } else if (keys.admit(t)) {
            lanes.add(t);
        }
    }

    /** Starts what the lanes allow, after one durable round trip that counts the starts. */
    private void startBatch() {
        List<Inflight> ready = lanes.startable();
        if (ready.isEmpty()) {
            return;
        }
        List<Inflight> run = new ArrayList<>(ready.size());
        long now = micros();
        for (Inflight t : ready) {
            long deadline = t.task().getDeadlineUs();
            if (deadline > 0 && now > deadline) {
                done.add(Outcome.withoutRun(t, TaskStatus.EXPIRED, "deadline passed " + (now - deadline) / 1000
                        + " ms before a worker could start the task", now, true));
            } else {
                run.add(t);
            }
        }
        if (run.isEmpty()) {
            return;
        }
        if (!attempts.recordStarts(run)) {
            lanes.unstart(run);
            return;
        }
        for (Inflight t : run) {
            pool.execute(() -> finish(runner.run(t)));
        }
    }

    /** Runs on a worker thread. */
    private void finish(Outcome o) {
        done.add(o);
        if (polling.get()) {
            kafka.consumer().wakeup();
        }
    }

    /** Writes finished tasks to the file and stages their results; returns how many. Loop thread only. */
    private int applyFinished() {
        int applied = 0;
        Outcome o;
        while ((o = done.poll()) != null) {
            Inflight t = o.task();
            if (o.started()) {
                lanes.finished(t);
                Inflight next = keys.release(t);
                if (next != null && !stopping.get()) {
                    lanes.add(next);
                }
            }
            if (o.handedBack()) {
                handedBack.add(t);
                continue;
            }
            if (!offsets.current(t.tp(), t.epoch())) {
                continue; // the partition moved on while the task ran: its new owner runs it
            }
            unpublished.add(recorder.record(o));
            clearOnCommit.add(t);
            offsets.finished(t.tp(), t.epoch(), t.offset());
            tasksDone.incrementAndGet();
            applied++;
        }
        return applied;
    }

    /**
     * Group commit: while tasks keep finishing, results wait up to {@link #MAX_COMMIT_DELAY} (or
     * {@link #MAX_BATCH} records) so one transaction covers many; an idle node commits at once.
     */
    private void maybePublish() {
        if (!publisher.idle()) {
            return; // one transaction at a time; what finishes meanwhile goes in the next
        }
        boolean busy = lanes.running() > 0 || !done.isEmpty();
        if (busy && unpublished.size() < MAX_BATCH && System.nanoTime() - lastCommitNanos < MAX_COMMIT_DELAY.toNanos()) {
            return;
        }
        publish();
    }

    /** Flushes the file, then hands staged results and offsets to the publisher. Loop thread; publisher idle. */
    private void publish() {
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        lastCommitNanos = System.nanoTime();
        if (unpublished.isEmpty() && commit.isEmpty()) {
            return;
        }
        file.flush();
        Publisher.Batch batch = new Publisher.Batch(new ArrayList<>(unpublished), commit,
                kafka.consumer().groupMetadata(), new ArrayList<>(clearOnCommit));
        unpublished.clear();
        clearOnCommit.clear();
        publisher.submit(batch);
    }

    /**
     * Waits for the transaction in flight, then flushes the file and publishes staged results and
     * commits offsets in one transaction on this thread (the publisher is idle).
     */
    private void publishNow() {
        published(publisher.await());
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        lastCommitNanos = System.nanoTime();
        if (unpublished.isEmpty() && commit.isEmpty()) {
            return;
        }
        file.flush();
        if (kafka.transact(unpublished, commit, kafka.consumer().groupMetadata())) {
            unpublished.clear();
            offsets.markCommitted(commit);
            clearOnCommit.forEach(attempts::clear);
            clearOnCommit.clear();
        }
    }

    /** Applies a finished transaction's outcome (null: none finished). Loop thread only. */
    private void published(Publisher.Completion c) {
        if (c == null) {
            return;
        }
        Publisher.Batch b = c.batch();
        if (c.committed()) {
            offsets.markCommitted(b.offsets());
            b.clears().forEach(attempts::clear);
        } else {
            // Retriable failure, aborted: the records are in the file; publish them again, first.
            unpublished.addAll(0, b.records());
            clearOnCommit.addAll(0, b.clears());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Record and publish what finished before giving the partitions up.
            applyFinished();
            publishNow();
            offsets.revoked(partitions);
            attempts.forget(partitions);
            LOG.info("{}revoked {}", log, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            published(publisher.await()); // its group metadata predates this rebalance
            attempts.load(partitions);
            offsets.assigned(partitions, kafka.consumer().committed(new HashSet<>(partitions)));
            LOG.info("{}assigned {}", log, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            published(publisher.await());
            offsets.revoked(partitions);
            attempts.forget(partitions);
            LOG.warn("{}lost {}", log, partitions);
        }
    }

    /** Stop fetching and starting; let running tasks finish within the shutdown timeout; hand back the rest. */
    private void drainForShutdown() {
        kafka.consumer().pause(kafka.consumer().assignment());
        int dropped = lanes.dropWaiting() + keys.clear();
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (lanes.running() > 0 && System.nanoTime() < deadline) {
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
        applyFinished();
        publishNow();
        attempts.takeBack(handedBack);
        LOG.info("{}stopped after {} tasks; {} queued tasks handed back", log, tasksDone.get(), dropped);
    }

    private void shutdownResources() {
        publisher.close();
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
