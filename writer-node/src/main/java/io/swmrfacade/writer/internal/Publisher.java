package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs the writer's Kafka transactions ({@link KafkaClients#transact}) on one dedicated thread,
 * one batch at a time, so the task loop keeps polling, recording to the file and starting tasks
 * while a transaction commits.
 *
 * <p>Threading: {@link #submit}, {@link #poll}, {@link #await}, {@link #idle} and {@link #close}
 * are for the loop thread only. The publisher thread runs {@code transact} and posts the outcome
 * to a completion queue that the loop drains; it never touches the consumer (the loop captures
 * the group metadata when it hands a batch over) nor the loop's state. While a batch is in
 * flight only the publisher thread begins, commits or aborts transactions; the loop may do so
 * itself only while {@link #idle}.
 */
final class Publisher implements AutoCloseable {

    private static final Duration AWAIT_STEP = Duration.ofSeconds(1);

    /** Results and offsets to commit in one transaction; {@code clears} end their attempt counts once committed. */
    record Batch(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group, List<Inflight> clears) {
    }

    /** A batch's outcome: committed, or (false) aborted after a retriable failure. */
    record Completion(Batch batch, boolean committed) {
    }

    private record Posted(Batch batch, boolean committed, Throwable error) {
    }

    private final KafkaClients kafka;
    private final ExecutorService thread;
    private final BlockingQueue<Posted> completions = new LinkedBlockingQueue<>();
    /** The batch handed over and not yet drained; loop thread only. */
    private Batch inflight;

    Publisher(KafkaClients kafka, String nodeId) {
        this.kafka = kafka;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sf-publisher-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** True if no batch is in flight (or its completion has been drained). */
    boolean idle() {
        return inflight == null;
    }

    /** Hands a batch over; the publisher must be {@link #idle}. The file must hold its records already. */
    void submit(Batch batch) {
        if (inflight != null) {
            throw new IllegalStateException("a batch is in flight already");
        }
        inflight = batch;
        thread.execute(() -> completions.add(run(batch)));
    }

    /** Publisher thread. */
    private Posted run(Batch b) {
        try {
            return new Posted(b, kafka.transact(b.records(), b.offsets(), b.group()), null);
        } catch (RuntimeException | Error e) {
            return new Posted(b, false, e);
        }
    }

    /**
     * The in-flight batch's completion if it has finished, else null; does not wait.
     *
     * @throws RuntimeException the fatal error (such as a ProducerFencedException) the transaction ended with
     */
    Completion poll() {
        return settle(completions.poll());
    }

    /** Waits for the in-flight batch, if any, and returns its completion (null if none was in flight). */
    Completion await() {
        boolean interrupted = false;
        try {
            while (inflight != null) {
                try {
                    Posted p = completions.poll(AWAIT_STEP.toMillis(), TimeUnit.MILLISECONDS);
                    if (p != null) {
                        return settle(p);
                    }
                    if (thread.isTerminated()) {
                        inflight = null; // closed while a batch was in flight: its outcome is unknown
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Completion settle(Posted p) {
        if (p == null) {
            return null;
        }
        inflight = null;
        if (p.error() instanceof RuntimeException e) {
            throw e;
        }
        if (p.error() instanceof Error e) {
            throw e;
        }
        if (p.error() != null) {
            throw new KafkaException(p.error());
        }
        return new Completion(p.batch(), p.committed());
    }

    /** Stops the publisher thread, waiting a little for a transaction in flight. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        completions.clear();
        inflight = null;
    }
}
