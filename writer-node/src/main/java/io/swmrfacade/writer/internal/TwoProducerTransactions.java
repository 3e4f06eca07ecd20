package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * The writer's results path on Kafka: two transactional producers taking turns, so that a result
 * is sent the moment its row is flushed, never held back by a commit in progress.
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
final class TwoProducerTransactions implements Transactions {

    private static final Duration AWAIT_STEP = Duration.ofSeconds(1);

    private record Posted(Completion completion, Throwable error) {
    }

    private final Logger log;
    private final TransactionalProducer[] producers;
    private final ExecutorService thread;
    private final BlockingQueue<Posted> completions = new LinkedBlockingQueue<>();
    /** Index of the producer taking sends. */
    private int open;
    /** The producer whose commit is in flight and not yet drained, or null. */
    private TransactionalProducer committing;

    /** {@code factory} makes a transactional producer client for a transactional id. */
    TwoProducerTransactions(List<String> transactionalIds, Function<String, Producer<byte[], byte[]>> factory,
                            String nodeId, LogContext logs) {
        this.log = logs.logger(TwoProducerTransactions.class);
        this.producers = new TransactionalProducer[transactionalIds.size()];
        for (int i = 0; i < producers.length; i++) {
            producers[i] = new TransactionalProducer(transactionalIds.get(i), factory, log);
        }
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sf-commit-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers every transactional id, the producers side by side, retrying while the broker is
     * unreachable, until {@code stop} says so; this aborts whatever a dead predecessor left open
     * and fences it.
     *
     * @throws KafkaException the first fatal error (fenced, not authorized, unsupported)
     */
    @Override
    public void init(BooleanSupplier stop) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (TransactionalProducer p : producers) {
            all.add(CompletableFuture.runAsync(() -> register(p, stop), r -> {
                Thread t = new Thread(r, "sf-register-" + p.transactionalId());
                t.setDaemon(true);
                t.start();
            }));
        }
        try {
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void register(TransactionalProducer p, BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            try {
                p.register();
                return;
            } catch (ProducerFencedException | AuthorizationException | UnsupportedVersionException e) {
                throw e;
            } catch (KafkaException e) {
                log.warn("cannot register {} yet ({}); retrying", p.transactionalId(), e.getMessage());
                p.recreate();
                TransactionalProducer.pause();
            }
        }
    }

    @Override
    public void send(Outgoing record) {
        producers[open].send(record);
    }

    @Override
    public void clearOnCommit(Inflight t) {
        producers[open].clearOnCommit(t);
    }

    @Override
    public int openRecords() {
        return producers[open].openRecords();
    }

    @Override
    public boolean committing() {
        return committing != null;
    }

    /** {@code group} is captured by the caller on the loop thread: the commit thread never touches the consumer. */
    @Override
    public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (committing != null) {
            throw new IllegalStateException("a commit is in flight already");
        }
        TransactionalProducer p = producers[open];
        Batch batch = p.take(offsets);
        committing = p;
        open = (open + 1) % producers.length;
        thread.execute(() -> completions.add(run(p, batch, group)));
    }

    /**
     * @throws ProducerFencedException if a newer instance of this node took over
     */
    @Override
    public Batch abortOpen() {
        if (committing != null) {
            throw new IllegalStateException("a commit is in flight");
        }
        TransactionalProducer p = producers[open];
        Batch b = p.take(Map.of());
        p.abort(false);
        return b;
    }

    @Override
    public Completion commitNow(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (committing != null) {
            throw new IllegalStateException("a commit is in flight");
        }
        TransactionalProducer p = producers[open];
        return settle(run(p, p.take(offsets), group));
    }

    /** Commit thread, or the loop thread while nothing is in flight. */
    private static Posted run(TransactionalProducer p, Batch b, ConsumerGroupMetadata group) {
        try {
            return new Posted(new Completion(b, p.commit(b, group)), null);
        } catch (RuntimeException | Error e) {
            return new Posted(new Completion(b, false), e);
        }
    }

    /**
     * @throws RuntimeException the fatal error (such as a ProducerFencedException) the commit ended with
     */
    @Override
    public Completion poll() {
        Posted p = completions.poll();
        if (p == null) {
            return null;
        }
        committing = null;
        return settle(p);
    }

    @Override
    public Completion await() {
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
        for (TransactionalProducer p : producers) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
