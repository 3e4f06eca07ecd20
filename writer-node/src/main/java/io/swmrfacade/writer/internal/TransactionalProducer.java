package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;

/**
 * One transactional producer and what its open transaction holds: the records sent and the tasks
 * whose attempt counts end when it commits. {@link TwoProducerTransactions} owns two of them.
 *
 * <p>Threading: the loop thread sends; the commit thread commits a producer only after the loop
 * has handed it over and until the loop drains that commit's completion.
 */
final class TransactionalProducer {

    /** How often a timed-out commitTransaction is tried before the node gives up. */
    /**
     * A commit is tried this many times, each up to max.block.ms (5 s): 20 s, longer than a
     * broker failover takes (fencing the dead broker, the election, loading the transaction log
     * on the new leader; ClusterFaultIT). Kafka allows a timed-out commit to be tried again.
     */
    static final int COMMIT_TRIES = 4;
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(200);

    private final String transactionalId;
    private final Function<String, Producer<byte[], byte[]>> factory;
    private final Logger log;
    /** Replaced on the commit thread after a failed abort, while the loop does not use it. */
    private volatile Producer<byte[], byte[]> producer;
    private boolean begun;
    /** False until registered, and after a failed abort replaced the producer and it could not register yet. */
    private boolean registered;
    /** A send failed: the transaction must be aborted and its records sent again. */
    private KafkaException failed;
    private List<Transactions.Outgoing> sent = new ArrayList<>();
    private List<Inflight> clears = new ArrayList<>();
    /** The results and dead letters that {@code sent} carries. */
    private int answers;

    TransactionalProducer(String transactionalId, Function<String, Producer<byte[], byte[]>> factory, Logger log) {
        this.transactionalId = transactionalId;
        this.factory = factory;
        this.log = log;
        this.producer = factory.apply(transactionalId);
    }

    String transactionalId() {
        return transactionalId;
    }

    /**
     * Registers the transactional id once; aborts what a dead predecessor left open and fences it.
     *
     * @throws KafkaException if the broker cannot be reached (the caller retries, after {@link #recreate})
     */
    void register() {
        producer.initTransactions();
        registered = true;
    }

    void send(Transactions.Outgoing r) {
        sent.add(r);
        answers += r.answers();
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

    void clearOnCommit(Inflight t) {
        clears.add(t);
    }

    int openRecords() {
        return answers;
    }

    private void begin() {
        if (!begun) {
            producer.beginTransaction();
            begun = true;
        }
    }

    /** Ends the open transaction's bookkeeping and returns it as a batch. Loop thread. */
    Transactions.Batch take(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Transactions.Batch b = new Transactions.Batch(sent, offsets, clears);
        sent = new ArrayList<>();
        clears = new ArrayList<>();
        answers = 0;
        return b;
    }

    /**
     * Commits the open transaction with {@code b}'s offsets. Returns false, after aborting,
     * when Kafka is unavailable or a send failed: the caller sends the records again.
     *
     * @throws ProducerFencedException if a newer instance of this node took over
     * @throws CommitOutcomeUnknownException if the commit was asked for and its outcome stays
     *     unknown: the loop must stop, and the next one replays the tasks from its file
     */
    boolean commit(Transactions.Batch b, ConsumerGroupMetadata group) {
        boolean endSent = false;
        try {
            if (!registered) {
                register();
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
                throw new CommitOutcomeUnknownException("the commit of " + b.records().size() + " results on " + transactionalId
                        + " with offsets " + OpenOffsets.describe(b.offsets()) + " timed out " + COMMIT_TRIES
                        + " times; its outcome is unknown", e);
            }
            log.warn("transaction of {} results on {} failed ({}); will retry", b.records().size(), transactionalId, e.toString());
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
                log.warn("commit on {} timed out ({}); trying again", transactionalId, e.getMessage());
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
                    throw new CommitOutcomeUnknownException("could not abort a failed commit on " + transactionalId
                            + "; its outcome is unknown", abortFailed);
                }
                recreate();
                try {
                    register();
                } catch (ProducerFencedException fenced) {
                    throw fenced;
                } catch (KafkaException notYet) {
                    log.warn("cannot re-register transactions yet ({})", notYet.getMessage());
                }
            }
        }
    }

    /** Replaces the client (closing the old one at once); the new one must register. */
    void recreate() {
        registered = false;
        producer.close(Duration.ZERO);
        producer = factory.apply(transactionalId);
    }

    void close(Duration timeout) {
        producer.close(timeout);
    }

    static void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
