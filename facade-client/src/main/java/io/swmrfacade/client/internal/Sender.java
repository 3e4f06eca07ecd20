package io.swmrfacade.client.internal;

import io.swmrfacade.client.TaskId;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that talks to the producers. {@code KafkaProducer.send} can block (for metadata,
 * or a full buffer) while the broker is away; here that only delays this thread, never a caller
 * of submit. Tasks stay counted against the buffer bounds until the broker acknowledges them;
 * then the task is journaled ({@link Journal}) so a resumed session knows it.
 *
 * <p>Journal records go through a producer of their own: the tasks' producer keeps one request in
 * flight (see FacadeImpl), and a record sharing it would hold the next task back for a whole
 * broker round trip.
 */
final class Sender implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final long RETRY_BACKOFF_MS = 100;
    /** Settled sends the {@link #inProducer} log may hold beyond twice the unsettled ones before it is swept. */
    private static final int SWEEP_SLACK = 4_096;

    /** A task waiting for the broker; the record is made only when it is sent, to keep the buffer small. */
    record Pending(TaskId id, long sequence, String type, byte[] key, byte[] value) {
    }

    private final Producer<byte[], byte[]> producer;
    private final Journal journal;
    private final String tasksTopic;
    private final String sessionId;
    private final int maxTasks;
    private final long maxBytes;
    private final BiConsumer<Pending, String> failed;
    /** Lock-free, so submit never contends with this thread or makes a system call unless it sleeps. */
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private volatile Thread sleeper;
    /** Tasks the producer gave back with a retriable error: sent again first. */
    private final ConcurrentLinkedDeque<Pending> retry = new ConcurrentLinkedDeque<>();
    /**
     * Every send the producer may still hold, in the order made. Only this thread adds and removes
     * (a send's callback just marks it settled), so a task costs one lock-free append here rather
     * than a hash-set add and remove across threads; close reads what is left unsettled.
     */
    private final ConcurrentLinkedQueue<Send> inProducer = new ConcurrentLinkedQueue<>();
    private int inProducerSize;
    private int sweepAt = SWEEP_SLACK;
    private final AtomicInteger bufferedTasks = new AtomicInteger();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private volatile long closeDeadlineNanos;
    private volatile boolean closing;
    private volatile String lastProblem = "";
    private Pending head;
    private final KeylessSpread keyless;

    /** {@code producer} takes the tasks, {@code journalProducer} their journal records; this closes both. */
    Sender(Producer<byte[], byte[]> producer, Producer<byte[], byte[]> journalProducer, String tasksTopic, String eventsTopic,
           String sessionId, Clock clock, int maxTasks, long maxBytes, BiConsumer<Pending, String> failed) {
        this.producer = producer;
        this.journal = new Journal(journalProducer, eventsTopic, sessionId, clock, p -> lastProblem = p);
        this.tasksTopic = tasksTopic;
        this.sessionId = sessionId;
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

    /** Why the broker last failed to take a task or journal record, or "" if it took the latest. */
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
                journal.send();
                forgetSettled();
                if (head == null) {
                    head = retry.pollFirst();
                    if (head != null) {
                        Thread.sleep(RETRY_BACKOFF_MS);
                    }
                }
                if (head == null) {
                    head = nextQueued();
                }
                if (closing && (pastDeadline() || (head == null && inProducer.isEmpty() && retry.isEmpty() && journal.done()))) {
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
        // returns) report NOT_SENT; the journal records of tasks acknowledged meanwhile go out last.
        producer.close(Duration.ofNanos(closeTimeLeft()));
        journal.flushAndClose(Duration.ofNanos(closeTimeLeft()));
    }

    private long closeTimeLeft() {
        return closing ? Math.max(0, closeDeadlineNanos - System.nanoTime()) : 0;
    }

    private void send(Pending p) {
        Send s = new Send(p);
        inProducer.add(s);
        inProducerSize++;
        try {
            Integer partition = p.key() == null ? keyless.next(p.value().length) : null;
            producer.send(new ProducerRecord<>(tasksTopic, partition, p.key(), p.value()), s);
            head = null;
        } catch (TimeoutException e) {
            // No metadata within max.block.ms: Kafka would give up, we keep the task and try again.
            s.settled = true;
            lastProblem = "broker unreachable: " + e.getMessage();
        } catch (KafkaException e) {
            s.settled = true;
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
     * Drops settled sends from the head of {@link #inProducer}; when a send the broker is slow to
     * settle holds the head while later ones settle, sweeps the whole log, so it stays within about
     * twice the sends still unsettled.
     */
    private void forgetSettled() {
        for (Send s; (s = inProducer.peek()) != null && s.settled; ) {
            inProducer.poll();
            inProducerSize--;
        }
        if (inProducerSize > sweepAt) {
            for (java.util.Iterator<Send> it = inProducer.iterator(); it.hasNext(); ) {
                if (it.next().settled) {
                    it.remove();
                    inProducerSize--;
                }
            }
            sweepAt = 2 * inProducerSize + SWEEP_SLACK;
        }
    }

    /** One hand-over of a task to the producer, and its callback (on the producer's network thread). */
    private final class Send implements Callback {
        final Pending p;
        /** Set last, once the outcome is recorded elsewhere (acked, retry, or failed). */
        volatile boolean settled;

        Send(Pending p) {
            this.p = p;
        }

        @Override
        public void onCompletion(RecordMetadata meta, Exception error) {
            if (error == null) {
                release(p);
                lastProblem = "";
                journal.acknowledged(p);
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
            settled = true;
        }
    }

    private boolean pastDeadline() {
        return closing && System.nanoTime() - closeDeadlineNanos > 0;
    }

    /** Starts closing: the thread delivers what it can until {@code deadlineNanos}, then stops. */
    void close(long deadlineNanos) {
        closeDeadlineNanos = deadlineNanos;
        journal.close(deadlineNanos);
        closing = true;
    }

    /** After the thread stopped: the tasks the broker never confirmed. */
    List<Pending> unsent() {
        List<Pending> out = new ArrayList<>();
        if (head != null) {
            out.add(head);
        }
        out.addAll(retry);
        for (Send s : inProducer) {
            if (!s.settled) {
                out.add(s.p);
            }
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            out.add(p);
        }
        return out;
    }

    /**
     * After the thread stopped: tasks the broker took whose journal record it did not confirm, in
     * no particular order. A resumed session learns of these only from their results.
     */
    List<Pending> unjournaled() {
        return journal.unjournaled();
    }

    int buffered() {
        return bufferedTasks.get();
    }
}
