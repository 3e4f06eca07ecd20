package io.swmrfacade.client.internal;

import io.swmrfacade.client.TaskId;
import io.swmrfacade.proto.v1.TaskEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that talks to the producers. {@code KafkaProducer.send} can block (for metadata,
 * or a full buffer) while the broker is away; here that only delays this thread, never a caller
 * of submit. Tasks stay counted against the buffer bounds until the broker acknowledges them;
 * then the task is journaled (a SUBMITTED event) so a resumed session knows it. A journal entry
 * gets the same discipline as its task: kept and sent again while the broker cannot take it,
 * waited for by close, and reported ({@link #unjournaled}) if close comes first.
 *
 * <p>Journal entries go through a producer of their own: the tasks' producer keeps one request in
 * flight (see FacadeImpl), and an entry sharing it would hold the next task back for a whole
 * broker round trip.
 */
final class Sender implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final long RETRY_BACKOFF_MS = 100;
    /** After the broker could not take a journal entry, tasks have the thread to themselves this long. */
    private static final long JOURNAL_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** A task waiting for the broker; the record is made only when it is sent, to keep the buffer small. */
    record Pending(TaskId id, long sequence, String type, byte[] key, byte[] value) {
    }

    private final Producer<byte[], byte[]> producer;
    private final Producer<byte[], byte[]> journalProducer;
    private final String tasksTopic;
    private final String eventsTopic;
    private final byte[] sessionKey;
    private final String sessionId;
    private final Clock clock;
    private final int maxTasks;
    private final long maxBytes;
    private final BiConsumer<Pending, String> failed;
    /** Lock-free, so submit never contends with this thread or makes a system call unless it sleeps. */
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private volatile Thread sleeper;
    private final ConcurrentLinkedQueue<Pending> acked = new ConcurrentLinkedQueue<>();
    /** Tasks the producer gave back with a retriable error: sent again first. */
    private final ConcurrentLinkedDeque<Pending> retry = new ConcurrentLinkedDeque<>();
    private final Set<Pending> unconfirmed = ConcurrentHashMap.newKeySet();
    /** Journal entries to send again (the broker could not take them yet), oldest first. */
    private final ConcurrentLinkedDeque<Pending> journalRetry = new ConcurrentLinkedDeque<>();
    private final Set<Pending> journalUnconfirmed = ConcurrentHashMap.newKeySet();
    /** Tasks the broker took whose journal entry it refused for good. */
    private final ConcurrentLinkedQueue<Pending> journalFailed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger bufferedTasks = new AtomicInteger();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private volatile long closeDeadlineNanos;
    private volatile boolean closing;
    private volatile String lastProblem = "";
    private Pending head;
    private final KeylessSpread keyless;
    private volatile long journalNotBefore = System.nanoTime();

    /** {@code producer} takes the tasks, {@code journalProducer} their journal entries; this closes both. */
    Sender(Producer<byte[], byte[]> producer, Producer<byte[], byte[]> journalProducer, String tasksTopic, String eventsTopic,
           String sessionId, Clock clock, int maxTasks, long maxBytes, BiConsumer<Pending, String> failed) {
        this.producer = producer;
        this.journalProducer = journalProducer;
        this.tasksTopic = tasksTopic;
        this.eventsTopic = eventsTopic;
        this.sessionId = sessionId;
        this.sessionKey = sessionId.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.maxTasks = maxTasks;
        this.maxBytes = maxBytes;
        this.failed = failed;
        this.keyless = new KeylessSpread(() -> producer.partitionsFor(tasksTopic).size());
    }

    /** Reserves room for a task of {@code bytes}; returns null, or why there is none. Never blocks. */
    String reserve(int bytes) {
        if (bufferedTasks.incrementAndGet() > maxTasks) {
            bufferedTasks.decrementAndGet();
            return "the submit buffer is full: " + maxTasks + " tasks are waiting for the broker to confirm them" + problem();
        }
        if (bufferedBytes.addAndGet(bytes) > maxBytes) {
            bufferedBytes.addAndGet(-bytes);
            bufferedTasks.decrementAndGet();
            return "the submit buffer is full: " + maxBytes + " bytes of tasks are waiting for the broker to confirm them"
                    + " (this task has " + bytes + ")" + problem();
        }
        return null;
    }

    /** Why the broker last failed to take a task or journal entry, or "" if it took the latest. */
    String lastProblem() {
        return lastProblem;
    }

    private String problem() {
        String p = lastProblem;
        return p.isEmpty() ? "; raise TaskFacade.Builder.maxBuffered, or submit more slowly"
                : "; last problem: " + p;
    }

    void enqueue(Pending p) {
        queue.add(p);
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Waits up to 20 ms for a task; the submitter wakes this thread only when it is asleep. */
    private Pending nextQueued() {
        Pending p = queue.poll();
        if (p != null) {
            return p;
        }
        sleeper = Thread.currentThread();
        p = queue.poll(); // re-check after announcing the sleep, so a wake-up cannot be lost
        if (p == null) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
            p = queue.poll();
        }
        sleeper = null;
        return p;
    }

    private void release(Pending p) {
        bufferedTasks.decrementAndGet();
        bufferedBytes.addAndGet(-p.value().length);
    }

    @Override
    public void run() {
        try {
            while (true) {
                journalAcked();
                if (head == null) {
                    head = retry.pollFirst();
                    if (head != null) {
                        Thread.sleep(RETRY_BACKOFF_MS);
                    }
                }
                if (head == null) {
                    head = nextQueued();
                }
                if (closing && (pastDeadline() || (head == null && unconfirmed.isEmpty() && retry.isEmpty() && journaled()))) {
                    break;
                }
                if (head != null) {
                    send(head);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("[{}] sender stopped: {}", sessionId, e.toString(), e);
        }
        // Past the deadline close aborts what is unconfirmed, and those callbacks (run before close
        // returns) report NOT_SENT; the journal entries of tasks acknowledged meanwhile go out last.
        producer.close(Duration.ofNanos(closeTimeLeft()));
        journalAcked();
        journalProducer.close(Duration.ofNanos(closeTimeLeft()));
    }

    private long closeTimeLeft() {
        return closing ? Math.max(0, closeDeadlineNanos - System.nanoTime()) : 0;
    }

    private void send(Pending p) {
        try {
            Integer partition = p.key() == null ? keyless.next(p.value().length) : null;
            unconfirmed.add(p);
            producer.send(new ProducerRecord<>(tasksTopic, partition, p.key(), p.value()), (meta, error) -> {
                if (error == null) {
                    release(p);
                    lastProblem = "";
                    acked.add(p);
                } else if (error instanceof RetriableException && !pastDeadline()) {
                    lastProblem = "broker unreachable: " + error.getMessage();
                    retry.addLast(p);
                } else if (error instanceof RetriableException) {
                    // The close deadline passed while this send waited (for metadata, say): the
                    // broker never refused the task, the facade stopped trying.
                    release(p);
                    failed.accept(p, "the facade closed before the broker confirmed the task (last problem: "
                            + error.getMessage() + ")");
                } else {
                    release(p);
                    failed.accept(p, "the broker did not take the task: " + error.getMessage());
                }
                unconfirmed.remove(p);
            });
            head = null;
        } catch (TimeoutException e) {
            // No metadata within max.block.ms: Kafka would give up, we keep the task and try again.
            unconfirmed.remove(p);
            lastProblem = "broker unreachable: " + e.getMessage();
        } catch (KafkaException e) {
            unconfirmed.remove(p);
            if (e instanceof RetriableException) {
                lastProblem = e.getMessage();
                return;
            }
            head = null;
            release(p);
            failed.accept(p, "cannot send the task: " + e.getMessage());
        }
    }

    /**
     * Sends the journal entries of acknowledged tasks, oldest first. An entry the broker cannot
     * take yet (no metadata within max.block.ms, or a retriable error) is kept and sent again on a
     * later turn, like a task; only a fatal error or close gives up on it, and then it is reported.
     */
    private void journalAcked() {
        for (Pending p; (p = acked.poll()) != null; ) {
            journalRetry.addLast(p);
        }
        Pending p;
        while (System.nanoTime() - journalNotBefore >= 0 && (p = journalRetry.pollFirst()) != null) {
            journal(p);
        }
    }

    /**
     * Hands one entry to the producer. The producer reports most failures through the callback,
     * on this thread when it could not even take the record (no metadata for the events topic
     * within max.block.ms): the entry then goes back in line, and the journal pauses so that
     * tasks keep this thread.
     */
    private void journal(Pending p) {
        TaskEvent e = TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED).setTaskId(p.id().value())
                .setSessionId(sessionId).setSequence(p.sequence()).setType(p.type())
                .setAtUs(clock.millis() * 1000).build();
        journalUnconfirmed.add(p);
        try {
            journalProducer.send(new ProducerRecord<>(eventsTopic, sessionKey, e.toByteArray()), (meta, error) -> onJournalAck(p, error));
        } catch (KafkaException ex) {
            onJournalAck(p, ex);
        }
    }

    private void onJournalAck(Pending p, Exception error) {
        if (error == null) {
            lastProblem = "";
        } else if (error instanceof RetriableException && !pastDeadline()) {
            lastProblem = "journal: " + error.getMessage();
            journalNotBefore = System.nanoTime() + JOURNAL_BACKOFF_NANOS;
            journalRetry.addFirst(p);
        } else {
            if (journalFailed.isEmpty()) { // the first says why; close sums them all up
                LOG.warn("[{}] the broker did not take the journal entry of task {}: {}", sessionId, p.id(), error.toString());
            }
            journalFailed.add(p);
        }
        journalUnconfirmed.remove(p);
    }

    /** True when every acknowledged task's journal entry is acknowledged too (or failed for good). */
    private boolean journaled() {
        return acked.isEmpty() && journalRetry.isEmpty() && journalUnconfirmed.isEmpty();
    }

    private boolean pastDeadline() {
        return closing && System.nanoTime() - closeDeadlineNanos > 0;
    }

    /** Starts closing: the thread delivers what it can until {@code deadlineNanos}, then stops. */
    void close(long deadlineNanos) {
        closeDeadlineNanos = deadlineNanos;
        closing = true;
    }

    /** After the thread stopped: the tasks the broker never confirmed. */
    List<Pending> unsent() {
        List<Pending> out = new ArrayList<>();
        if (head != null) {
            out.add(head);
        }
        out.addAll(retry);
        out.addAll(unconfirmed);
        for (Pending p; (p = queue.poll()) != null; ) {
            out.add(p);
        }
        return out;
    }

    /**
     * After the thread stopped: tasks the broker took whose SUBMITTED journal entry it did not
     * confirm, in no particular order. A resumed session learns of these only from their results.
     */
    List<Pending> unjournaled() {
        Set<Pending> out = new java.util.LinkedHashSet<>(journalFailed);
        out.addAll(acked);
        out.addAll(journalRetry);
        out.addAll(journalUnconfirmed);
        return new ArrayList<>(out);
    }

    int buffered() {
        return bufferedTasks.get();
    }
}
