package io.swmrfacade.client.internal;

import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's journal in the events topic: the tasks the broker acknowledged, so that a resumed
 * session knows every task it submitted (docs/PROTOCOL.md §5). Tasks acknowledged together go in
 * one {@code SUBMITTED_BATCH} record of at most {@link #MAX_ENTRIES}; while one record is with the
 * broker the next tasks wait for it, so at full speed a record holds every task acknowledged
 * during one journal round trip, and at a trickle each task still goes out at once.
 *
 * <p>A record gets a task's discipline: kept and sent again, whole, while the broker cannot take
 * it; sent and waited for by close; and its tasks reported ({@link #unjournaled}) if close comes
 * first or the broker refuses it for good.
 *
 * <p>Threads: {@link #acknowledged} on any thread (the tasks producer's callbacks); {@link #send}
 * and {@link #close} on the sender thread only; {@link #unjournaled} after that thread stopped
 * (or gave up on).
 */
final class Journal {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    /**
     * Entries per record. An entry is at most about 85 bytes (a 36-character id, a sequence, a
     * type of at most 32 characters), so a record stays under 100 KiB, far below
     * TaskLimits.MAX_RECORD_BYTES, and a resumed session parses no huge record.
     */
    static final int MAX_ENTRIES = 1_000;
    /** After the broker could not take a record, tasks have the sender thread to themselves this long. */
    private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String sessionId;
    private final byte[] sessionKey;
    private final Clock clock;
    /** Told of each problem with the broker ("" once a record went through); the sender's lastProblem. */
    private final Consumer<String> problems;
    /** Tasks the broker took, not yet in a record. */
    private final ConcurrentLinkedQueue<Sender.Pending> acked = new ConcurrentLinkedQueue<>();
    /** Records to send again (the broker could not take them yet), oldest first. */
    private final ConcurrentLinkedDeque<Batch> retry = new ConcurrentLinkedDeque<>();
    /** Records the producer holds; normally one. */
    private final Set<Batch> unconfirmed = ConcurrentHashMap.newKeySet();
    /** Tasks whose record the broker refused for good. */
    private final ConcurrentLinkedQueue<Sender.Pending> failed = new ConcurrentLinkedQueue<>();
    private volatile long notBefore = System.nanoTime();
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean closing;

    Journal(Producer<byte[], byte[]> producer, String topic, String sessionId, Clock clock, Consumer<String> problems) {
        this.producer = producer;
        this.topic = topic;
        this.sessionId = sessionId;
        this.sessionKey = sessionId.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.problems = problems;
    }

    /** The broker took task {@code p}: it goes in the next record. Any thread; never blocks. */
    void acknowledged(Sender.Pending p) {
        acked.add(p);
    }

    /**
     * Sends the next record if none is with the broker: a record to send again first, else the
     * tasks acknowledged since, up to {@link #MAX_ENTRIES}. Sender thread only.
     */
    void send() {
        if (unconfirmed.isEmpty() && mayTry()) {
            if (!sendRetry()) {
                sendNext();
            }
        }
    }

    /** Starts closing: the last records are sent without waiting their turn; after {@code deadlineNanos} a failure is final. */
    void close(long deadlineNanos) {
        closeDeadlineNanos = deadlineNanos;
        closing = true;
    }

    /**
     * The sender's last act: hands the records left to the producer without waiting their turn,
     * unless the close deadline has passed or the broker could not take one just now (each try
     * may wait max.block.ms for metadata), then closes the producer within {@code timeout}, which
     * waits for them. What is not sent stays here for {@link #unjournaled}. Sender thread only.
     */
    void flushAndClose(Duration timeout) {
        while (mayTry() && (sendRetry() || sendNext())) {
            // every record left, oldest first
        }
        producer.close(timeout);
    }

    private boolean mayTry() {
        long now = System.nanoTime();
        return now - notBefore >= 0 && !(closing && now - closeDeadlineNanos > 0);
    }

    /** True when every acknowledged task's record is acknowledged too (or failed for good). */
    boolean done() {
        return acked.isEmpty() && retry.isEmpty() && unconfirmed.isEmpty();
    }

    /*
     * A task is always in at least one of acked, retry, unconfirmed and failed, even while it moves
     * between them, so unjournaled() misses none when close gives up on a sender thread that is
     * still running: a record joins unconfirmed before it leaves retry, and before its tasks leave
     * acked (only this thread takes from acked, so its first n tasks are the ones just read).
     */

    /** Sends the oldest record to send again, if any; true if there was one. */
    private boolean sendRetry() {
        Batch b = retry.peekFirst();
        if (b == null) {
            return false;
        }
        send(b);
        retry.removeFirstOccurrence(b);
        return true;
    }

    /** Sends the tasks acknowledged since, up to {@link #MAX_ENTRIES}, if any; true if there were some. */
    private boolean sendNext() {
        List<Sender.Pending> tasks = new ArrayList<>();
        for (java.util.Iterator<Sender.Pending> it = acked.iterator(); it.hasNext() && tasks.size() < MAX_ENTRIES; ) {
            tasks.add(it.next());
        }
        if (tasks.isEmpty()) {
            return false;
        }
        send(new Batch(tasks));
        for (int i = 0; i < tasks.size(); i++) {
            acked.poll();
        }
        return true;
    }

    /**
     * Hands one record to the producer. The producer reports most failures through the callback,
     * on this thread when it could not even take the record (no metadata for the events topic
     * within max.block.ms): the record then goes back in line, and the journal pauses so that
     * tasks keep the sender thread.
     */
    private void send(Batch b) {
        TaskEvent.Builder e = TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED_BATCH).setSessionId(sessionId)
                .setAtUs(clock.millis() * 1000);
        for (Sender.Pending p : b.tasks) {
            e.addSubmitted(JournaledTask.newBuilder().setTaskId(p.id().value()).setSequence(p.sequence()).setType(p.type()));
        }
        unconfirmed.add(b);
        try {
            producer.send(new ProducerRecord<>(topic, sessionKey, e.build().toByteArray()), b);
        } catch (KafkaException ex) {
            b.onCompletion(null, ex);
        }
    }

    /** One record's tasks; its own callback, so the record is retried or reported whole. */
    private final class Batch implements Callback {
        final List<Sender.Pending> tasks;

        Batch(List<Sender.Pending> tasks) {
            this.tasks = tasks;
        }

        @Override
        public void onCompletion(RecordMetadata meta, Exception error) {
            if (error == null) {
                problems.accept("");
            } else if (error instanceof RetriableException && !(closing && System.nanoTime() - closeDeadlineNanos > 0)) {
                problems.accept("journal: " + error.getMessage());
                notBefore = System.nanoTime() + BACKOFF_NANOS;
                retry.addFirst(this);
            } else {
                if (failed.isEmpty()) { // the first says why; close sums them all up
                    LOG.warn("[{}] the broker did not take the journal record of {} tasks (the first {}): {}", sessionId,
                            tasks.size(), tasks.get(0).id(), error.toString());
                }
                failed.addAll(tasks);
            }
            unconfirmed.remove(this);
        }
    }

    /**
     * After the sender thread stopped: tasks the broker took whose journal record it did not
     * confirm, in no particular order. A resumed session learns of these only from their results.
     */
    List<Sender.Pending> unjournaled() {
        // Each move adds before it removes, so reading every source before its destination (acked and
        // retry before unconfirmed, unconfirmed before retry and failed) sees a moving task at least once.
        Set<Sender.Pending> out = new LinkedHashSet<>(acked);
        retry.forEach(b -> out.addAll(b.tasks));
        unconfirmed.forEach(b -> out.addAll(b.tasks));
        retry.forEach(b -> out.addAll(b.tasks));
        out.addAll(failed);
        return new ArrayList<>(out);
    }
}
