package io.swmrfacade.writer.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.TaskRejectedException;
import io.swmrfacade.writer.WriterConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer node's one loop thread. It owns the consumer, the transactional producer and the
 * file; handlers run on lane threads and hand their outcome back through a queue.
 *
 * <p>Each turn: poll tasks and dispatch them; write finished tasks to the file (rows last); flush
 * the file; then, in one Kafka transaction, publish their results and commit the consumed offsets.
 * A crash after the flush and before the commit replays those tasks: the {@link AppliedIndex}
 * recognises them and their results are published again from the file, in a new transaction,
 * so the file and the committed results topic hold each task once.
 */
public final class TaskLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(2);

    private record Inflight(TaskRequest task, TopicPartition tp, long offset, long epoch, long takenUs) {
    }

    private record Done(Inflight task, TaskStatus status, byte[] output, TaskOutput result, long startedUs, long finishedUs) {
    }

    private final WriterConfig config;
    private final String nodeId;
    private final String log;
    private final Clock clock;
    private final KafkaClients kafka;
    private final SwmrWriter file;
    private final AppliedIndex index;
    private final HandlerRegistry handlers;
    private final Lanes lanes;
    private final ExecutorService pool;
    private final ScheduledExecutorService timers;
    private final OffsetTracker offsets = new OffsetTracker();
    /** Tasks waiting for an earlier task with the same routing key: those run one at a time, in order. */
    private final Map<String, java.util.ArrayDeque<Inflight>> keyed = new java.util.HashMap<>();
    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final List<ProducerRecord<byte[], byte[]>> unpublished = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicLong tasksDone = new AtomicLong();
    private volatile Throwable failure;

    public TaskLoop(WriterConfig config, Clock clock, KafkaClients kafka, SwmrWriter file, List<TaskHandler> extraHandlers) {
        this.config = config;
        this.nodeId = config.nodeId();
        this.log = "[" + nodeId + "] ";
        this.clock = clock;
        this.kafka = kafka;
        this.file = file;
        List<TaskHandler> builtins = new ArrayList<>(BuiltinHandlers.all(config.getBoolean(WriterConfig.CRASH_HANDLER)));
        builtins.addAll(extraHandlers);
        this.handlers = new HandlerRegistry(builtins, config.getString(WriterConfig.PLUGIN_DIR));
        this.index = AppliedIndex.load(file);
        this.pool = Executors.newCachedThreadPool(daemon("sf-task"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("sf-task-timer"));
        Map<String, Integer> limits = config.concurrencyLimits();
        int fallback = config.getInt(WriterConfig.DEFAULT_CONCURRENCY);
        this.lanes = new Lanes(pool, type -> {
            if (limits.containsKey(type)) {
                return limits.get(type);
            }
            TaskHandler h = handlers.get(type);
            return h != null && h.maxConcurrency() > 0 ? h.maxConcurrency() : fallback;
        });
        LOG.info("{}file {} holds {} tasks; handlers {}", log, file.currentFile(), index.size(), handlers.types());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
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
            kafka.consumer().subscribe(List.of(config.topics().tasks()), new Rebalance());
            while (!stopping.get()) {
                turn(lanes.running() > 0 || !done.isEmpty() ? BUSY_POLL : IDLE_POLL);
            }
            drainForShutdown();
        } catch (ProducerFencedException e) {
            failure = e;
            LOG.error("{}another node with id {} took over this node's transactions; stopping", log, nodeId);
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("{}task loop failed: {}", log, e.toString(), e);
        } finally {
            shutdownResources();
        }
    }

    private void turn(Duration pollTimeout) {
        ConsumerRecords<byte[], byte[]> records;
        polling.set(true);
        try {
            records = done.isEmpty() ? kafka.consumer().poll(pollTimeout) : kafka.consumer().poll(Duration.ZERO);
        } catch (WakeupException e) {
            records = ConsumerRecords.empty();
        } finally {
            polling.set(false);
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
            take(r);
        }
        applyFinished();
        publish();
        if (offsets.open() > config.getInt(WriterConfig.MAX_INFLIGHT)) {
            kafka.consumer().pause(kafka.consumer().assignment());
        } else if (!kafka.consumer().paused().isEmpty() && !stopping.get()) {
            kafka.consumer().resume(kafka.consumer().paused());
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        long epoch = offsets.taken(tp, r.offset());
        if (epoch < 0) {
            return;
        }
        TaskRequest task;
        try {
            task = TaskRequest.parseFrom(r.value() == null ? new byte[0] : r.value());
            if (task.getTaskId().isEmpty() || task.getSessionId().isEmpty()) {
                throw new InvalidProtocolBufferException("task_id and session_id are required");
            }
        } catch (InvalidProtocolBufferException e) {
            deadLetter(r, "not a TaskRequest: " + e.getMessage(), "");
            offsets.finished(tp, epoch, r.offset());
            return;
        }
        Inflight t = new Inflight(task, tp, r.offset(), epoch, micros());
        AppliedIndex.Applied applied = index.get(task.getTaskId());
        if (applied != null) {
            // Already in the file: a replay. Publish the stored result again; never run it twice.
            unpublished.add(resultRecord(applied.row(), applied.location(), storedOutput(applied)));
            offsets.finished(tp, epoch, r.offset());
            return;
        }
        admit(t);
    }

    /** Tasks with a routing key run one at a time in arrival order; others go straight to their lane. */
    private void admit(Inflight t) {
        String key = t.task.getRoutingKey();
        if (!key.isEmpty()) {
            java.util.ArrayDeque<Inflight> queue = keyed.get(key);
            if (queue != null) {
                queue.add(t);
                return;
            }
            keyed.put(key, new java.util.ArrayDeque<>());
        }
        dispatch(t);
    }

    private void dispatch(Inflight t) {
        TaskRequest task = t.task;
        long now = micros();
        String rejection = validate(task);
        if (rejection != null) {
            done.add(new Done(t, TaskStatus.REJECTED, utf8(rejection), null, now, now));
        } else if (task.getDeadlineUs() > 0 && now > task.getDeadlineUs()) {
            done.add(new Done(t, TaskStatus.EXPIRED, utf8("deadline passed " + (now - task.getDeadlineUs()) / 1000
                    + " ms before a worker could start the task"), null, now, now));
        } else {
            lanes.submit(task.getType(), () -> execute(t));
        }
    }

    /** After a keyed task is recorded, starts the next task with its key. Loop thread only. */
    private void startNextWithKey(String key) {
        java.util.ArrayDeque<Inflight> queue = keyed.get(key);
        if (queue == null) {
            return;
        }
        Inflight next = queue.poll();
        if (next == null) {
            keyed.remove(key);
        } else {
            dispatch(next);
        }
    }

    private String validate(TaskRequest task) {
        if (handlers.get(task.getType()) == null) {
            return "unknown task type '" + BuiltinHandlers.abbreviate(task.getType()) + "'; this node runs " + handlers.types();
        }
        if (task.getPayload().size() > config.getInt(WriterConfig.MAX_PAYLOAD_BYTES)) {
            return "payload of " + task.getPayload().size() + " bytes is over the limit of "
                    + config.getInt(WriterConfig.MAX_PAYLOAD_BYTES) + " (" + WriterConfig.MAX_PAYLOAD_BYTES + ")";
        }
        if (task.getTaskId().length() > io.swmrfacade.swmr.internal.RowCodec.ID_LEN
                || task.getSessionId().length() > io.swmrfacade.swmr.internal.RowCodec.ID_LEN) {
            return "task and session ids may have at most " + io.swmrfacade.swmr.internal.RowCodec.ID_LEN + " characters";
        }
        return null;
    }

    /** Runs on a lane thread. */
    private void execute(Inflight t) {
        TaskRequest task = t.task;
        long started = micros();
        Thread me = Thread.currentThread();
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> timer = timers.schedule(() -> {
            if (!finished.get()) {
                timedOut.set(true);
                me.interrupt();
            }
        }, config.taskTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Done outcome;
        try {
            Instant deadline = task.getDeadlineUs() > 0 ? Instant.EPOCH.plusNanos(task.getDeadlineUs() * 1000) : null;
            TaskOutput out = handlers.get(task.getType()).run(new TaskInput(task.getTaskId(), task.getSessionId(),
                    task.getType(), task.getPayload().toByteArray(), 1, deadline));
            outcome = new Done(t, TaskStatus.OK, out.output(), out, started, micros());
        } catch (TaskRejectedException e) {
            outcome = new Done(t, TaskStatus.REJECTED, utf8(e.getMessage()), null, started, micros());
        } catch (InterruptedException e) {
            outcome = timedOut.get()
                    ? new Done(t, TaskStatus.FAILED, utf8("timed out after " + config.taskTimeout().toMillis() + " ms"), null, started, micros())
                    : null; // interrupted by shutdown: hand the task back, do not record it
        } catch (Exception | LinkageError | AssertionError e) {
            outcome = new Done(t, TaskStatus.FAILED, utf8(e.getClass().getSimpleName() + ": " + e.getMessage()), null, started, micros());
        } finally {
            finished.set(true);
            timer.cancel(false);
            Thread.interrupted();
        }
        if (outcome != null) {
            done.add(outcome);
            if (polling.get()) {
                kafka.consumer().wakeup();
            }
        }
    }

    /** Writes finished tasks to the file and stages their results. Loop thread only. */
    private void applyFinished() {
        Done d;
        while ((d = done.poll()) != null) {
            Inflight t = d.task;
            if (!t.task.getRoutingKey().isEmpty()) {
                startNextWithKey(t.task.getRoutingKey());
            }
            if (!offsets.current(t.tp, t.epoch)) {
                continue; // the partition moved on while the task ran: its new owner runs it
            }
            TaskStatus status = d.status;
            byte[] output = d.output;
            int streamIndex = -1;
            long streamStart = 0;
            long streamCount = 0;
            if (d.result != null && d.result.stream() != null) {
                try {
                    file.ensureStream(d.result.stream());
                    streamStart = file.appendSamples(d.result.stream().path(), d.result.samples());
                    streamIndex = file.streamIndex(d.result.stream().path());
                    streamCount = d.result.samples().length / d.result.stream().type().size();
                } catch (IllegalArgumentException e) {
                    status = TaskStatus.REJECTED;
                    output = utf8(e.getMessage());
                }
            }
            TaskRequest task = t.task;
            long heapAt = file.appendHeap(output);
            TaskRow row = new TaskRow(task.getTaskId(), task.getSessionId(), task.getSequence(), task.getType(),
                    status.getNumber(), 1, t.tp.partition(), t.offset, task.getSubmittedAtUs(), d.startedUs, d.finishedUs,
                    heapAt, output.length, streamIndex, streamStart, streamCount);
            SwmrWriter.RowLocation at = new SwmrWriter.RowLocation(file.segment(), file.currentFile(), file.rowCount());
            file.appendRow(row);
            index.put(at, row);
            unpublished.add(resultRecord(row, at, output));
            offsets.finished(t.tp, t.epoch, t.offset);
            tasksDone.incrementAndGet();
        }
    }

    /** Flushes the file, then publishes staged results and commits offsets in one transaction. */
    private void publish() {
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        if (unpublished.isEmpty() && commit.isEmpty()) {
            return;
        }
        file.flush();
        if (kafka.transact(unpublished, commit)) {
            unpublished.clear();
            offsets.markCommitted(commit);
        }
    }

    private byte[] storedOutput(AppliedIndex.Applied a) {
        return file.readHeap(a.location().segment(), a.row().outputOffset(), a.row().outputLength());
    }

    private ProducerRecord<byte[], byte[]> resultRecord(TaskRow row, SwmrWriter.RowLocation at, byte[] output) {
        TaskStatus status = TaskStatus.forNumber(row.status());
        TaskResult.Builder r = TaskResult.newBuilder().setTaskId(row.taskId()).setSessionId(row.sessionId())
                .setSequence(row.sequence()).setType(row.type()).setStatus(status).setAttempts(row.attempts())
                .setWorkerId(nodeId).setFile(at.file().toString()).setRow(at.row())
                .setStartedAtUs(row.startedUs()).setFinishedAtUs(row.finishedUs());
        if (status == TaskStatus.OK) {
            r.setOutput(ByteString.copyFrom(output));
        } else {
            r.setError(new String(output, StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(config.topics().results(), utf8(row.sessionId()), r.build().toByteArray());
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, String taskId) {
        LOG.warn("{}dead-lettering {}-{}@{}: {}", log, r.topic(), r.partition(), r.offset(), reason);
        DeadLetter.Builder dl = DeadLetter.newBuilder().setSourceTopic(r.topic()).setSourcePartition(r.partition())
                .setSourceOffset(r.offset()).setReason(reason).setWorkerId(nodeId).setAtUs(micros()).setTaskId(taskId);
        if (r.key() != null) {
            dl.setKey(ByteString.copyFrom(r.key()));
        }
        if (r.value() != null) {
            dl.setValue(ByteString.copyFrom(r.value()));
        }
        unpublished.add(new ProducerRecord<>(config.topics().deadLetter(), r.key(), dl.build().toByteArray()));
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Record and publish what finished before giving the partitions up.
            applyFinished();
            publish();
            offsets.revoked(partitions);
            LOG.info("{}revoked {}", log, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            offsets.assigned(partitions);
            LOG.info("{}assigned {}", log, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.revoked(partitions);
            LOG.warn("{}lost {}", log, partitions);
        }
    }

    /** Stop fetching, let running tasks finish within the shutdown timeout, record and publish them. */
    private void drainForShutdown() {
        kafka.consumer().pause(kafka.consumer().assignment());
        int dropped = lanes.dropWaiting();
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (lanes.running() > 0 && System.nanoTime() < deadline) {
            turn(BUSY_POLL);
        }
        if (lanes.running() > 0) {
            LOG.warn("{}{} tasks still running at shutdown are handed back to Kafka", log, lanes.running());
            pool.shutdownNow();
        }
        applyFinished();
        publish();
        LOG.info("{}stopped after {} tasks; {} queued tasks handed back", log, tasksDone.get(), dropped);
    }

    private void shutdownResources() {
        pool.shutdownNow();
        timers.shutdownNow();
        try {
            file.close();
        } catch (RuntimeException e) {
            LOG.error("{}closing {} failed: {}", log, file.currentFile(), e.toString());
        }
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
