package io.swmrfacade.client.internal;

import io.swmrfacade.client.TaskId;
import io.swmrfacade.proto.v1.TaskEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that talks to the producer. {@code KafkaProducer.send} can block (for metadata,
 * or a full buffer) while the broker is away; here that only delays this thread, never a caller
 * of submit. Tasks stay counted against the buffer bounds until the broker acknowledges them;
 * then the task is journaled (a SUBMITTED event) so a resumed session knows it.
 */
final class Sender implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final long RETRY_BACKOFF_MS = 100;

    record Pending(TaskId id, long sequence, String type, ProducerRecord<byte[], byte[]> record, int bytes) {
    }

    private final Producer<byte[], byte[]> producer;
    private final String eventsTopic;
    private final byte[] sessionKey;
    private final String sessionId;
    private final Clock clock;
    private final int maxTasks;
    private final long maxBytes;
    private final BiConsumer<Pending, String> failed;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Pending> acked = new ConcurrentLinkedQueue<>();
    /** Tasks the producer gave back with a retriable error (no metadata yet, broker away): sent again first, in order. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Pending> retry = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final Set<Pending> unconfirmed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger bufferedTasks = new AtomicInteger();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean closing;
    private volatile String lastProblem = "";
    private Pending head;

    Sender(Producer<byte[], byte[]> producer, String eventsTopic, String sessionId, Clock clock, int maxTasks, long maxBytes,
           BiConsumer<Pending, String> failed) {
        this.producer = producer;
        this.eventsTopic = eventsTopic;
        this.sessionId = sessionId;
        this.sessionKey = sessionId.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.maxTasks = maxTasks;
        this.maxBytes = maxBytes;
        this.failed = failed;
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
            return "the submit buffer is full: " + maxBytes + " bytes of tasks are waiting for the broker to confirm them" + problem();
        }
        return null;
    }

    private String problem() {
        String p = lastProblem;
        return p.isEmpty() ? "" : " (last problem: " + p + ")";
    }

    void enqueue(Pending p) {
        queue.add(p);
    }

    private void release(Pending p) {
        bufferedTasks.decrementAndGet();
        bufferedBytes.addAndGet(-p.bytes());
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
                    head = queue.poll(20, TimeUnit.MILLISECONDS);
                }
                if (head == null) {
                    if (closing && ((unconfirmed.isEmpty() && retry.isEmpty()) || pastDeadline())) {
                        break;
                    }
                    continue;
                }
                if (closing && pastDeadline()) {
                    break;
                }
                send(head);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journalAcked();
        // Past the deadline this aborts what is still unconfirmed; those callbacks report NOT_SENT.
        long left = closeDeadlineNanos == Long.MAX_VALUE ? 0 : Math.max(0, closeDeadlineNanos - System.nanoTime());
        producer.close(java.time.Duration.ofNanos(left));
    }

    private void send(Pending p) {
        try {
            unconfirmed.add(p);
            producer.send(p.record(), (meta, error) -> {
                unconfirmed.remove(p);
                if (error == null) {
                    release(p);
                    lastProblem = "";
                    acked.add(p);
                } else if (error instanceof RetriableException && !pastDeadline()) {
                    // Kafka gives up on metadata after max.block.ms; we do not: the task waits in the buffer.
                    lastProblem = "broker unreachable: " + error.getMessage();
                    retry.addLast(p);
                } else {
                    release(p);
                    failed.accept(p, "the broker did not take the task: " + error.getMessage());
                }
            });
            head = null;
        } catch (TimeoutException e) {
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

    private void journalAcked() {
        Pending p;
        while ((p = acked.poll()) != null) {
            TaskEvent e = TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED).setTaskId(p.id().value())
                    .setSessionId(sessionId).setSequence(p.sequence()).setType(p.type())
                    .setAtUs(clock.millis() * 1000).build();
            try {
                producer.send(new ProducerRecord<>(eventsTopic, sessionKey, e.toByteArray()));
            } catch (KafkaException ex) {
                // The journal only helps a resumed session find tasks whose results are not in yet.
                LOG.debug("could not journal task {}: {}", p.id(), ex.toString());
            }
        }
    }

    private boolean pastDeadline() {
        return System.nanoTime() - closeDeadlineNanos > 0;
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
        queue.drainTo(out);
        return out;
    }

    int buffered() {
        return bufferedTasks.get();
    }
}
