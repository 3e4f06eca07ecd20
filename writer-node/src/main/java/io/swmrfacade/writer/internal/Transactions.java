package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's results path: two transactional producers taking turns, so that a result is sent
 * the moment its row is flushed, never held back by a commit in progress.
 *
 * <p>One producer is <em>open</em>: the loop {@link #send}s each result into its transaction at
 * once, where clients reading results uncommitted see it a broker round trip later. To
 * {@link #commit}, the loop hands the open producer, with the offsets its results cover, to the
 * commit thread and the other producer becomes the open one. Commits run one at a time and in
 * order, and when a commit starts no other producer holds uncommitted results, so every offset
 * committed covers only tasks whose results are committed in the same or an earlier transaction:
 * the committed results topic holds each task once. A transaction aborted after a retriable
 * failure comes back as a {@link Completion} that was not committed; the loop sends its records
 * again into the open transaction (its offsets stay uncommitted and go with the next commit).
 *
 * <p>Threading: every method is for the loop thread. The commit thread touches only the
 * producer handed to it, until the loop drains that commit's completion ({@link #poll},
 * {@link #await}).
 */
final class Transactions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    private static final Duration AWAIT_STEP = Duration.ofSeconds(1);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(200);
    /** How often a timed-out commitTransaction is tried before the node gives up. */
    private static final int COMMIT_TRIES = 2;

    /**
     * A record to publish and the task partition it answers for, under the assignment (epoch) it
     * was taken in ({@link OffsetTracker}); a record of an uncommitted transaction is sent again
     * only while that partition is still owned under that assignment.
     */
    record Outgoing(ProducerRecord<byte[], byte[]> record, TopicPartition source, long epoch) {
    }

    /** What one transaction held: records sent, offsets committed, and tasks whose attempt counts end with it. */
    record Batch(List<Outgoing> records, Map<TopicPartition, OffsetAndMetadata> offsets, List<Inflight> clears) {
    }

    /** A batch's outcome: committed, or (false) aborted after a retriable failure. */
    record Completion(Batch batch, boolean committed) {
    }

    private record Posted(Completion completion, Throwable error) {
    }

    private final KafkaClients kafka;
    private final String log;
    private final Producer[] producers;
    private final ExecutorService thread;
    private final BlockingQueue<Posted> completions = new LinkedBlockingQueue<>();
    /** Index of the producer taking sends. */
    private int open;
    /** The producer whose commit is in flight and not yet drained, or null. */
    private Producer committing;

    Transactions(KafkaClients kafka, String nodeId) {
        this.kafka = kafka;
        this.log = "[" + nodeId + "] ";
        List<String> ids = kafka.transactionalIds();
        this.producers = new Producer[ids.size()];
        for (int i = 0; i < producers.length; i++) {
            producers[i] = new Producer(ids.get(i));
        }
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sf-commit-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers every transactional id, retrying while the broker is unreachable, until
     * {@code stop} is set; this aborts whatever a dead predecessor left open and fences it.
     */
    void init(AtomicBoolean stop) {
        for (Producer p : producers) {
            while (!stop.get()) {
                try {
                    p.producer.initTransactions();
                    p.registered = true;
                    break;
                } catch (ProducerFencedException | AuthorizationException | UnsupportedVersionException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warn("{}cannot register transactions yet ({}); retrying", log, e.getMessage());
                    p.recreate();
                    pause();
                }
            }
        }
    }

    /** Sends {@code record} in the open transaction now. */
    void send(Outgoing record) {
        producers[open].send(record);
    }

    /** Ends {@code t}'s attempt count once the open transaction commits. */
    void clearOnCommit(Inflight t) {
        producers[open].clears.add(t);
    }

    /** Records sent in the open transaction so far. */
    int openRecords() {
        return producers[open].sent.size();
    }

    boolean committing() {
        return committing != null;
    }

    /**
     * Hands the open transaction, with {@code offsets}, to the commit thread and opens the other
     * producer. No commit may be in flight. {@code group} is captured by the caller on the loop thread.
     */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (committing != null) {
            throw new IllegalStateException("a commit is in flight already");
        }
        Producer p = producers[open];
        Batch batch = p.take(offsets);
        committing = p;
        open = (open + 1) % producers.length;
        thread.execute(() -> completions.add(run(p, batch, group)));
    }

    /**
     * Aborts the open transaction on this thread and returns what it held, for the caller to send
     * again what it still owns (after a partition was lost); no commit may be in flight.
     *
     * @throws ProducerFencedException if a newer instance of this node took over
     */
    Batch abortOpen() {
        if (committing != null) {
            throw new IllegalStateException("a commit is in flight");
        }
        Producer p = producers[open];
        Batch b = p.take(Map.of());
        p.abort(false);
        return b;
    }

    /** Commits the open transaction on this thread and returns its outcome; no commit may be in flight ({@link #await} first). */
    Completion commitNow(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (committing != null) {
            throw new IllegalStateException("a commit is in flight");
        }
        Producer p = producers[open];
        return settle(run(p, p.take(offsets), group));
    }

    /** Commit thread, or the loop thread while nothing is in flight. */
    private Posted run(Producer p, Batch b, ConsumerGroupMetadata group) {
        try {
            return new Posted(new Completion(b, p.commit(b, group)), null);
        } catch (RuntimeException | Error e) {
            return new Posted(new Completion(b, false), e);
        }
    }

    /**
     * The in-flight commit's completion if it has finished, else null; does not wait.
     *
     * @throws RuntimeException the fatal error (such as a ProducerFencedException) the commit ended with
     */
    Completion poll() {
        Posted p = completions.poll();
        if (p == null) {
            return null;
        }
        committing = null;
        return settle(p);
    }

    /** Waits for the commit in flight, if any, and returns its completion (null if none was in flight). */
    Completion await() {
        boolean interrupted = false;
        try {
            while (committing != null) {
                try {
                    Posted p = completions.poll(AWAIT_STEP.toMillis(), TimeUnit.MILLISECONDS);
                    if (p != null) {
                        committing = null;
                        return settle(p);
                    }
                    if (thread.isTerminated()) {
                        committing = null; // closed while a commit was in flight: its outcome is unknown
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

    private static Completion settle(Posted p) {
        if (p.error() instanceof RuntimeException e) {
            throw e;
        }
        if (p.error() instanceof Error e) {
            throw e;
        }
        if (p.error() != null) {
            throw new KafkaException(p.error());
        }
        return p.completion();
    }

    /** Stops the commit thread, waiting a little for a commit in flight, and closes the producers. */
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
        committing = null;
        for (Producer p : producers) {
            p.producer.close(Duration.ofSeconds(5));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One transactional producer and what its open transaction holds. */
    private final class Producer {
        private final String transactionalId;
        /** Replaced on the commit thread after a failed abort, while the loop does not use it. */
        private volatile KafkaProducer<byte[], byte[]> producer;
        private boolean begun;
        /** False after a failed abort replaced the producer and it could not register yet. */
        private boolean registered = true;
        /** A send failed: the transaction must be aborted and its records sent again. */
        private KafkaException failed;
        private List<Outgoing> sent = new ArrayList<>();
        private List<Inflight> clears = new ArrayList<>();

        Producer(String transactionalId) {
            this.transactionalId = transactionalId;
            this.producer = kafka.newTransactionalProducer(transactionalId);
        }

        void send(Outgoing r) {
            sent.add(r);
            if (failed != null) {
                return; // sent again after the abort
            }
            if (!registered) {
                failed = new KafkaException(transactionalId + " is not registered with the broker yet");
                return;
            }
            try {
                begin();
                producer.send(r.record());
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
                throw e;
            } catch (KafkaException e) {
                failed = e;
            }
        }

        private void begin() {
            if (!begun) {
                producer.beginTransaction();
                begun = true;
            }
        }

        /** Ends the open transaction's bookkeeping and returns it as a batch. Loop thread. */
        Batch take(Map<TopicPartition, OffsetAndMetadata> offsets) {
            Batch b = new Batch(sent, offsets, clears);
            sent = new ArrayList<>();
            clears = new ArrayList<>();
            return b;
        }

        /**
         * Commits the open transaction with {@code b}'s offsets. Returns false, after aborting,
         * when Kafka is unavailable or a send failed: the caller sends the records again.
         *
         * @throws ProducerFencedException if a newer instance of this node took over
         * @throws KafkaException if the commit was asked for and its outcome stays unknown: the
         *     node must stop, and its restart replays the tasks from its file
         */
        boolean commit(Batch b, ConsumerGroupMetadata group) {
            boolean endSent = false;
            try {
                if (!registered) {
                    producer.initTransactions();
                    registered = true;
                }
                if (failed != null) {
                    throw failed;
                }
                if (b.records().isEmpty() && b.offsets().isEmpty() && !begun) {
                    return true;
                }
                begin();
                if (!b.offsets().isEmpty()) {
                    producer.sendOffsetsToTransaction(b.offsets(), group);
                }
                endSent = true;
                commitWithRetries();
                begun = false;
                return true;
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
                throw e;
            } catch (KafkaException e) {
                if (endSent && e instanceof TimeoutException) {
                    // The broker may have committed it: neither abort nor send again (that could
                    // commit the results twice). Stop; the restart's new epoch settles it.
                    throw new KafkaException("the commit of " + b.records().size() + " results on " + transactionalId
                            + " timed out " + COMMIT_TRIES + " times; its outcome is unknown, stopping", e);
                }
                LOG.warn("{}transaction of {} results on {} failed ({}); will retry", log, b.records().size(), transactionalId,
                        e.toString());
                abort(endSent);
                pause();
                return false;
            }
        }

        /** commitTransaction, tried again after a timeout as Kafka allows (the commit may be in progress). */
        private void commitWithRetries() {
            for (int i = 1; ; i++) {
                try {
                    producer.commitTransaction();
                    return;
                } catch (TimeoutException e) {
                    if (i >= COMMIT_TRIES) {
                        throw e;
                    }
                    LOG.warn("{}commit on {} timed out ({}); trying again", log, transactionalId, e.getMessage());
                }
            }
        }

        /**
         * Aborts the open transaction, if any; a producer that cannot abort is replaced (which
         * aborts it), unless its commit was asked for ({@code endSent}): then the outcome is
         * unknown and the node must stop.
         */
        void abort(boolean endSent) {
            failed = null;
            boolean wasOpen = begun;
            begun = false;
            if (registered && wasOpen) {
                try {
                    producer.abortTransaction();
                } catch (ProducerFencedException e) {
                    throw e;
                } catch (RuntimeException abortFailed) {
                    if (endSent) {
                        throw new KafkaException("could not abort a failed commit on " + transactionalId
                                + "; its outcome is unknown, stopping", abortFailed);
                    }
                    recreate();
                    try {
                        producer.initTransactions();
                        registered = true;
                    } catch (ProducerFencedException fenced) {
                        throw fenced;
                    } catch (KafkaException notYet) {
                        LOG.warn("{}cannot re-register transactions yet ({})", log, notYet.getMessage());
                    }
                }
            }
        }

        void recreate() {
            registered = false;
            producer.close(Duration.ZERO);
            producer = kafka.newTransactionalProducer(transactionalId);
        }
    }
}
