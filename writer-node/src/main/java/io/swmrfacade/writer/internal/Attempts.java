package io.swmrfacade.writer.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.TaskAttempt;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNodeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.apache.kafka.common.utils.LogContext;

/**
 * Durable start counts of tasks, on the compacted attempts topic, so that a task that kills its
 * node is recognised after a restart and on any other node.
 *
 * <p>Before a batch of tasks starts, one record per task (its starts so far, this one included)
 * goes to the attempts partition numbered like the task's partition. A task never started before
 * ({@link #recordFirstStarts}) is counted in the node's {@link StartJournal} and runs at once,
 * without waiting for the broker: a node killed before the record arrived counts the start from
 * its journal when it restarts on its file, and only a node lost for good (its journal with it)
 * can leave a task's count one start short. A suspect, a task started before
 * ({@link #recordStarts}), runs only once its record is acknowledged (one round trip, which the
 * loop does not wait for), so its count never falls short.
 *
 * <p>A first start's record is deferred: it is sent only if the task is still unanswered
 * {@link #FIRST_START_DELAY} after it started ({@link #tick}), or when the node gives up the
 * task's partition ({@link #forget}). Most tasks end sooner, and then neither the record nor
 * its tombstone is written: two records fewer per task. The journal counts the start meanwhile,
 * so only a node lost for good within that delay of a start leaves the task's count one short. When a node is assigned task
 * partitions it reads those attempts partitions to their end ({@link #load}). Once a task's result
 * is committed, {@link #clearAll} writes a tombstone.
 *
 * <p>Attempt records and tombstones are plain (non-transactional) writes, read back with
 * read_uncommitted: a transaction left open by a dead node would otherwise hide later attempt
 * records from the next owner until it timed out, and an aborted tombstone would reset a count.
 * A tombstone lost to a crash just after the commit leaves a stale count for a task that is never
 * delivered again.
 *
 * <p>Loop thread only (but for the acknowledgement callback of {@link #recordStarts}); not thread-safe.
 */
final class Attempts implements StartRecorder, AutoCloseable {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    /** How long a first start may go without its record on Kafka while its task is unanswered. */
    static final Duration FIRST_START_DELAY = DeferredFirstStarts.DELAY;
    /** How long giving up partitions waits for the deferred start records of their running tasks. */
    static final Duration GIVE_UP_ACK_WAIT = Duration.ofSeconds(2);
    /** How long a topic created a moment ago may take to show all its partitions in the metadata. */
    private static final Duration METADATA_WAIT = Duration.ofSeconds(10);
    private static final Duration METADATA_POLL = Duration.ofMillis(50);

    private record Count(int partition, int starts) {
    }

    private final String topic;
    private final String nodeId;
    private final Logger log;
    private final Clock clock;
    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> reader;
    private final Map<String, Count> counts = new HashMap<>();
    private final StartJournal journal;
    private final DeferredFirstStarts deferred;
    private volatile boolean firstStartFailureLogged;

    Attempts(WriterConfig config, Clock clock, LogContext logs) {
        this(config.topics().attempts(), config.nodeId(), KafkaClients.attemptsProducer(config, ACK_TIMEOUT),
                KafkaClients.attemptsReader(config), clock, logs,
                StartJournal.open(Path.of(config.file() + ".starts"), logs));
    }

    /** Over the given clients (Kafka's, or in-memory ones in tests), without a journal; closes them on {@link #close}. */
    Attempts(String topic, String nodeId, Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> reader, Clock clock,
             LogContext logs) {
        this(topic, nodeId, producer, reader, clock, logs, StartJournal.none());
    }

    /** Over the given clients and journal; closes them all on {@link #close}. */
    Attempts(String topic, String nodeId, Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> reader, Clock clock,
             LogContext logs, StartJournal journal) {
        this(topic, nodeId, producer, reader, clock, logs, journal, System::nanoTime);
    }

    /** Over the given clients, journal and monotonic clock (for {@link #tick}); closes them all on {@link #close}. */
    Attempts(String topic, String nodeId, Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> reader, Clock clock,
             LogContext logs, StartJournal journal, LongSupplier nanoTime) {
        this.journal = journal;
        this.deferred = new DeferredFirstStarts(nanoTime);
        this.topic = topic;
        this.nodeId = nodeId;
        this.producer = producer;
        this.reader = reader;
        this.clock = clock;
        this.log = logs.logger(Attempts.class);
    }

    /** Starts of {@code taskId} so far that never recorded a result: the most that Kafka or this node's journal holds. */
    int starts(String taskId) {
        Count c = counts.isEmpty() ? null : counts.get(taskId); // mostly empty: first starts' records are deferred
        return Math.max(c == null ? 0 : c.starts, journal.starts(taskId));
    }

    /**
     * Reads the attempts partitions matching newly assigned task partitions to their end.
     *
     * @throws WriterNodeException if the attempts topic lacks a partition or cannot be read in time
     */
    void load(Collection<TopicPartition> taskPartitions) {
        if (taskPartitions.isEmpty()) {
            return;
        }
        List<TopicPartition> parts = taskPartitions.stream().map(tp -> new TopicPartition(topic, tp.partition())).toList();
        int needed = parts.stream().mapToInt(TopicPartition::partition).max().orElse(0) + 1;
        int available = visiblePartitions();
        if (available < needed) {
            throw new WriterNodeException("topic " + topic + " has " + available + " partitions, fewer than the tasks topic;"
                    + " it needs one per task partition");
        }
        reader.assign(parts);
        reader.seekToBeginning(parts);
        Map<TopicPartition, Long> ends = reader.endOffsets(parts, ACK_TIMEOUT);
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        int records = 0;
        while (parts.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new WriterNodeException("could not read " + topic + " " + parts + " to its end within " + ACK_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                apply(r);
                records++;
            }
        }
        reader.unsubscribe();
        log.debug("read {} attempt records of {}", records, parts);
    }

    /**
     * The partitions of the attempts topic that the cluster's metadata shows, asked again for up to
     * {@link #METADATA_WAIT} while it shows none: a topic this node created a moment ago may not
     * be in the broker's metadata yet (a topic that shows fewer partitions than needed is refused).
     */
    private int visiblePartitions() {
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        int available = reader.partitionsFor(topic, ACK_TIMEOUT).size();
        while (available == 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(METADATA_POLL.toNanos());
            available = reader.partitionsFor(topic, ACK_TIMEOUT).size();
        }
        return available;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String taskId = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            counts.remove(taskId);
            return;
        }
        try {
            counts.put(taskId, new Count(r.partition(), TaskAttempt.parseFrom(r.value()).getAttempts()));
        } catch (InvalidProtocolBufferException e) {
            log.warn("ignoring a malformed record at {}-{}@{}", r.topic(), r.partition(), r.offset());
        }
    }

    /**
     * Forgets the counts of task partitions this node no longer owns. The deferred records of
     * their first starts are sent first, and waited for up to {@link #GIVE_UP_ACK_WAIT}: a task
     * still running here keeps its counted start, which the partition's next owner reads when
     * it is assigned. (A broker out of reach cannot take them anyway: the loop does not wait
     * longer for them.)
     */
    void forget(Collection<TopicPartition> taskPartitions) {
        java.util.Set<Integer> gone = new java.util.HashSet<>();
        taskPartitions.forEach(tp -> gone.add(tp.partition()));
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Inflight t : deferred.takeOn(gone)) {
            Future<RecordMetadata> f = sendFirstStart(t);
            if (f != null) {
                sent.add(f);
            }
        }
        awaitQuietly(sent);
        counts.values().removeIf(c -> gone.contains(c.partition));
        journal.forget(taskPartitions);
    }

    /**
     * Counts the first start of each task (none started before) in the journal and defers its
     * attempts record ({@link #tick}): the tasks may run at once. Returns false, having counted
     * nothing, if the journal cannot write; the caller then uses {@link #recordStarts}.
     */
    @Override
    public boolean recordFirstStarts(List<Inflight> tasks) {
        if (!journal.started(tasks)) {
            return false;
        }
        deferred.add(tasks);
        return true;
    }

    /**
     * Sends the records of the first starts that were deferred at the previous tick, at least
     * {@link #FIRST_START_DELAY} ago, whose tasks are still unanswered; does nothing until that
     * delay has passed since the last tick. Does not wait.
     */
    @Override
    public void tick() {
        deferred.due().forEach(this::sendFirstStart);
    }

    /** The tasks ran to an outcome, now in the file: the deferred records of their first starts are not needed. */
    @Override
    public void ended(List<Inflight> tasks) {
        deferred.ended(tasks);
    }

    /** Sends {@code t}'s first start; returns the send's future, or null if it could not be sent. */
    private Future<RecordMetadata> sendFirstStart(Inflight t) {
        counts.put(t.id(), new Count(t.tp().partition(), t.priorStarts() + 1));
        TaskAttempt a = TaskAttempt.newBuilder().setTaskId(t.id()).setAttempts(t.priorStarts() + 1)
                .setWorkerId(nodeId).setAtUs(micros()).build();
        try {
            return producer.send(record(t, a.toByteArray()), (meta, error) -> {
                if (error != null) {
                    firstStartNotSent(error);
                }
            });
        } catch (KafkaException e) {
            firstStartNotSent(e);
            return null;
        }
    }

    /** Waits for the sends, all within {@link #GIVE_UP_ACK_WAIT}; a failure was logged by the send's callback. */
    private void awaitQuietly(List<Future<RecordMetadata>> sends) {
        long deadline = System.nanoTime() + GIVE_UP_ACK_WAIT.toNanos();
        for (Future<RecordMetadata> f : sends) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                log.warn("{} start records of tasks on partitions given up were not acknowledged within {} ms; the next owner"
                        + " may count those starts one short", sends.size(), GIVE_UP_ACK_WAIT.toMillis());
                return;
            } catch (ExecutionException e) {
                // logged by the send's callback
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Any thread. The start stays counted in the journal; only another node taking the task over would miss it. */
    private void firstStartNotSent(Exception e) {
        if (!firstStartFailureLogged) {
            firstStartFailureLogged = true;
            log.warn("could not send an attempts record ({}); the start stays counted in this node's journal", e.toString());
        }
    }

    /**
     * Durably records one more start of each task: sends the records and returns at once. When
     * Kafka has acknowledged them all, {@code whenRecorded} gets true (on a Kafka I/O thread) and
     * the tasks may start; it gets false if any was not acknowledged within the delivery timeout,
     * and the caller must then call {@link #unrecorded} on the loop thread and not start them.
     */
    @Override
    public void recordStarts(List<Inflight> tasks, java.util.function.Consumer<Boolean> whenRecorded) {
        java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger(tasks.size());
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        for (Inflight t : tasks) {
            counts.put(t.id(), new Count(t.tp().partition(), t.priorStarts() + 1));
        }
        for (int i = 0; i < tasks.size(); i++) {
            Inflight t = tasks.get(i);
            TaskAttempt a = TaskAttempt.newBuilder().setTaskId(t.id()).setAttempts(t.priorStarts() + 1)
                    .setWorkerId(nodeId).setAtUs(micros()).build();
            try {
                producer.send(record(t, a.toByteArray()), (meta, error) -> {
                    if (error != null && failed.compareAndSet(false, true)) {
                        log.warn("could not record the start of {} tasks ({}); they wait", tasks.size(), error.toString());
                    }
                    if (pending.decrementAndGet() == 0) {
                        whenRecorded.accept(!failed.get());
                    }
                });
            } catch (KafkaException e) {
                log.warn("could not record the start of {} tasks ({}); they wait", tasks.size(), e.toString());
                failed.set(true);
                if (pending.addAndGet(-(tasks.size() - i)) == 0) {
                    whenRecorded.accept(false);
                }
                return;
            }
        }
    }

    /** Loop thread: forgets the starts of tasks that {@link #recordStarts} could not record; they did not run. */
    @Override
    public void unrecorded(List<Inflight> tasks) {
        for (Inflight t : tasks) {
            if (t.priorStarts() == 0) {
                counts.remove(t.id());
            } else {
                counts.put(t.id(), new Count(t.tp().partition(), t.priorStarts()));
            }
        }
    }

    /** After the tasks' results are committed: their counts are over. Does not wait. */
    void clearAll(List<Inflight> tasks) {
        for (Inflight t : tasks) {
            if ((!counts.isEmpty() && counts.remove(t.id()) != null) || t.priorStarts() > 0) {
                sendQuietly(record(t, null));
            }
        }
        journal.ended(tasks.stream().map(Inflight::id).toList());
    }

    /**
     * Takes back the starts of tasks interrupted by a clean shutdown, which are not crashes, and
     * waits for the acknowledgements (best effort: a start not taken back costs the task one
     * of its attempts).
     */
    void takeBack(List<Inflight> tasks) {
        ended(tasks);
        for (Inflight t : tasks) {
            if (t.priorStarts() == 0 && !counts.containsKey(t.id())) {
                journal.takenBack(t); // its record was never sent: there is nothing to take back on Kafka
                continue;
            }
            byte[] value = t.priorStarts() == 0 ? null : TaskAttempt.newBuilder().setTaskId(t.id())
                    .setAttempts(t.priorStarts()).setWorkerId(nodeId).setAtUs(micros()).build().toByteArray();
            sendQuietly(record(t, value));
            counts.remove(t.id());
            journal.takenBack(t);
        }
        try {
            producer.flush();
        } catch (KafkaException e) {
            log.warn("could not take back {} starts: {}", tasks.size(), e.toString());
        }
    }

    private ProducerRecord<byte[], byte[]> record(Inflight t, byte[] value) {
        return new ProducerRecord<>(topic, t.tp().partition(), t.id().getBytes(StandardCharsets.UTF_8), value);
    }

    private void sendQuietly(ProducerRecord<byte[], byte[]> r) {
        try {
            producer.send(r);
        } catch (KafkaException e) {
            log.warn("could not write to {}: {}", topic, e.toString());
        }
    }

    private long micros() {
        return EpochMicros.now(clock);
    }

    @Override
    public void close() {
        try {
            journal.close();
            producer.close(Duration.ofSeconds(5));
        } finally {
            reader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }
}
