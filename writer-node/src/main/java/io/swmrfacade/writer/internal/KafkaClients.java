package io.swmrfacade.writer.internal;

import io.swmrfacade.writer.WriterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer node's Kafka clients: a read-committed consumer in the writers' group (a static
 * member named after the node) and a transactional producer whose id is the node id, so a
 * restarted node fences its predecessor.
 */
public final class KafkaClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(200);

    private final WriterConfig config;
    private final String log;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** Replaced by {@link #transact} on the publisher thread after a failed abort. */
    private volatile KafkaProducer<byte[], byte[]> producer;

    public KafkaClients(WriterConfig config) {
        this.config = config;
        this.log = "[" + config.nodeId() + "] ";
        this.consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.producer = newProducer();
    }

    private Map<String, Object> common() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.putAll(config.kafkaOverrides());
        return p;
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> p = common();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.getString(WriterConfig.GROUP));
        // Static membership: a node restarted after a crash takes its place back at once, without
        // waiting out its dead predecessor's session or moving partitions to other nodes.
        // Instance ids allow only [a-zA-Z0-9._-]; the default node id holds an '@'.
        String instance = ("sf.writer." + config.nodeId()).replaceAll("[^a-zA-Z0-9._-]", "_");
        p.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance.substring(0, Math.min(249, instance.length())));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sf-writer-" + config.nodeId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        return p;
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> p = common();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sf.writer." + config.nodeId());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sf-writer-tx-" + config.nodeId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        // A node killed inside a transaction holds back read_committed readers of the partitions it
        // wrote until it restarts (which aborts it at once) or this timeout passes; our
        // transactions last milliseconds, so keep it short.
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /** Registers the transactional id, retrying while the broker is unreachable, until {@code stop} is set. */
    void initTransactions(AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                producer.initTransactions();
                return;
            } catch (ProducerFencedException | AuthorizationException | UnsupportedVersionException e) {
                throw e;
            } catch (KafkaException e) {
                LOG.warn("{}cannot register transactions yet ({}); retrying", log, e.getMessage());
                recreateProducer();
                pause();
            }
        }
    }

    /**
     * Publishes {@code records} and commits {@code offsets} atomically. Returns false, after
     * aborting, when Kafka is unavailable: the caller keeps the records (they are in the file
     * already) and tries again on its next turn.
     *
     * <p>Called on the {@link Publisher}'s thread, or on the loop thread while the publisher is
     * idle: one caller at a time. It never touches the consumer; the caller captures
     * {@code group} on the loop thread.
     *
     * @throws ProducerFencedException if a newer instance of this node took over
     */
    boolean transact(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("{}transaction of {} results failed ({}); will retry", log, records.size(), e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                recreateProducer();
                initTransactionsOnce();
            }
            pause();
            return false;
        }
    }

    private void initTransactionsOnce() {
        try {
            producer.initTransactions();
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("{}cannot re-register transactions yet ({})", log, e.getMessage());
        }
    }

    private void recreateProducer() {
        producer.close(Duration.ZERO);
        producer = newProducer();
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            // A static member stays in its group when it closes unless told; a node that stops
            // cleanly hands its partitions to the other nodes now.
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (KafkaException e) {
            LOG.warn("{}consumer close: {}", log, e.toString());
        }
        producer.close(Duration.ofSeconds(5));
    }
}
