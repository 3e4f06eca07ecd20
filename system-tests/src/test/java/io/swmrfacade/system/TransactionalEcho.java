package io.swmrfacade.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The middle of the exactly-once floor: a plain consume-transform-produce loop with Kafka's
 * clients and nothing else. One thread polls a topic as the only member of a consumer group
 * (read_committed, no auto commit, as the writer node's tasks consumer), sends each record to the
 * same partition of another topic through a transactional producer (acks=all, idempotent, linger
 * 0, as the node's result producers), and commits the consumed offsets with those sends
 * ({@code sendOffsetsToTransaction}) every {@link #COMMIT_EVERY}, the writer node's pace. No file,
 * no attempt or journal records: what Kafka's transactions cost a task and its result, nothing
 * of the node's own.
 *
 * <p>Two shapes. With one producer, the textbook loop: the loop thread commits, and polls again
 * when the commit is done. With two, the node's shape (its TwoProducerTransactions, redone here
 * with bare clients): a commit thread commits one producer's transaction while the loop sends
 * into the other's, so no send waits for a commit unless the other producer's commit is still
 * running.
 *
 * <p>Runs from construction until {@link #close()}; {@link #failure()} reports a loop that died.
 */
final class TransactionalEcho implements AutoCloseable {

    /** The writer node's commit pace (a transaction is committed every 100 ms while it holds sends). */
    static final Duration COMMIT_EVERY = Duration.ofMillis(100);

    private final String bootstrap;
    private final String from;
    private final String to;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<RuntimeException> failed = new AtomicReference<>();
    private final Thread loop;
    private final int producers;
    private final ExecutorService committer = Executors.newSingleThreadExecutor(r -> new Thread(r, "transactional-echo-commit"));

    /** An echo from topic {@code from} to topic {@code to} with {@code producers} (1 or 2) transactional producers. */
    TransactionalEcho(String bootstrap, String from, String to, int producers) {
        if (producers != 1 && producers != 2) {
            throw new IllegalArgumentException("producers must be 1 or 2, was " + producers);
        }
        this.bootstrap = bootstrap;
        this.from = from;
        this.to = to;
        this.producers = producers;
        this.loop = new Thread(this::run, "transactional-echo-" + producers);
        loop.start();
    }

    /** The exception that ended the loop, or null while it runs. */
    RuntimeException failure() {
        return failed.get();
    }

    private void run() {
        List<KafkaProducer<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> in = consumer()) {
            for (int i = 0; i < producers; i++) {
                out.add(producer());
                out.get(i).initTransactions();
            }
            in.subscribe(List.of(from));
            List<Future<?>> pending = new ArrayList<>(Collections.nCopies(producers, CompletableFuture.completedFuture(null)));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            int open = 0;
            long every = COMMIT_EVERY.toNanos();
            long commitAt = System.nanoTime() + every;
            while (!stop.get()) {
                long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(commitAt - System.nanoTime()));
                for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(waitMs))) {
                    if (offsets.isEmpty()) {
                        // This producer's previous transaction must be committed before it begins another.
                        pending.get(open).get(30, TimeUnit.SECONDS);
                        out.get(open).beginTransaction();
                    }
                    out.get(open).send(new ProducerRecord<>(to, r.partition(), r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (System.nanoTime() - commitAt >= 0) {
                    if (!offsets.isEmpty()) {
                        Runnable commit = commit(out.get(open), Map.copyOf(offsets), in.groupMetadata());
                        offsets.clear();
                        if (producers == 1) {
                            commit.run();
                        } else {
                            pending.set(open, committer.submit(commit));
                            open = (open + 1) % producers;
                        }
                    }
                    commitAt = System.nanoTime() + every;
                }
            }
            if (!offsets.isEmpty()) {
                commit(out.get(open), offsets, in.groupMetadata()).run();
            }
            for (Future<?> c : pending) {
                c.get(30, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            failed.set(e);
        } catch (ExecutionException | TimeoutException e) {
            failed.set(new IllegalStateException("a commit of the transactional echo failed", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.set(new IllegalStateException("the transactional echo was interrupted", e));
        } finally {
            committer.shutdown();
            out.forEach(p -> p.close(Duration.ofSeconds(5)));
        }
    }

    private static Runnable commit(KafkaProducer<byte[], byte[]> out, Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        return () -> {
            out.sendOffsetsToTransaction(offsets, group);
            out.commitTransaction();
        };
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-eos-echo-" + from + "-" + producers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-eos-echo-" + UUID.randomUUID(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        loop.join(TimeUnit.SECONDS.toMillis(30));
        committer.awaitTermination(30, TimeUnit.SECONDS);
    }
}
