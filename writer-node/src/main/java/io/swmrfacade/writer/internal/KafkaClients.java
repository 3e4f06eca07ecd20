package io.swmrfacade.writer.internal;

import io.swmrfacade.topology.TaskLimits;
import io.swmrfacade.writer.WriterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;

/**
 * The writer node's Kafka clients: a read-committed consumer in the writers' group (a static
 * member named after the node), and the factory of its transactional producers, whose ids derive
 * from the node id so that a restarted node fences its predecessor ({@link Transactions}).
 */
public final class KafkaClients implements AutoCloseable {

    /** The writer's default {@code session.timeout.ms} (set {@code kafka.session.timeout.ms} to change it). */
    public static final int SESSION_TIMEOUT_MS = 3_000;
    /** The writer's default {@code heartbeat.interval.ms}. */
    public static final int HEARTBEAT_INTERVAL_MS = 1_000;

    private final WriterConfig config;
    private final Logger log;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** The session timeout chosen for this node ({@link SessionTimeout}); 0 if the user set one. */
    private final int sessionMs;

    public KafkaClients(WriterConfig config) {
        this.config = config;
        this.log = TaskLoopBuilder.logContext(config).logger(KafkaClients.class);
        this.sessionMs = config.kafkaOverrides().containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG) ? 0
                : SessionTimeout.choose(SessionTimeout.brokerMinimum(common(), log), log);
        this.consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
        // OrphanedTransactions knows the group's live nodes by this client id.
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, OrphanedTransactions.CLIENT_ID_PREFIX + config.nodeId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        // A task record may reach TaskLimits.MAX_RECORD_BYTES: fetch one whole, and several at once.
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TaskLimits.MAX_RECORD_BYTES);
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        // A node that dies and stays dead keeps its partitions until its session expires: 3 s, so
        // that the survivors answer its tasks within 5 s. Brokers refuse sessions below their
        // group.min.session.timeout.ms (6 s by default; the repository's brokers allow 1 s).
        // Heartbeats come from the consumer's own thread, so a busy loop does not expire it; three
        // fit in a session, so one late heartbeat on a loaded machine does not either.
        // Where the brokers' minimum is larger (a stock Kafka's 6 s), the node takes that instead.
        if (sessionMs > 0) {
            p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionMs);
            p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SessionTimeout.heartbeatFor(sessionMs));
        }
        p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        return p;
    }

    /** A transactional producer with the given transactional id; see {@link Transactions}. */
    KafkaProducer<byte[], byte[]> newTransactionalProducer(String transactionalId) {
        Map<String, Object> p = common();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sf-writer-tx-" + transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        // A node killed inside a transaction holds back read_committed readers of the partitions it
        // wrote (not the facade, which reads uncommitted) until it restarts, which aborts it at
        // once, or this timeout passes. A transaction stays open while the other producer commits,
        // which in the worst case (a commit tried COMMIT_TRIES times, each up to max.block.ms, to
        // ride through a broker failover) takes 20 s. Not much longer: a survivor taking over this
        // node's partitions waits for its open transaction's offsets until this timeout passes.
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 25_000);
        // A result echoes up to a whole payload; a dead letter carries the whole task record.
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TaskLimits.MAX_RECORD_BYTES);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The producer of {@link Attempts}' records: idempotent, acks=all, failing a batch within {@code ackTimeout}. */
    static Producer<byte[], byte[]> attemptsProducer(WriterConfig config, Duration ackTimeout) {
        Map<String, Object> p = withOverrides(config);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sf-writer-attempts-" + config.nodeId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Tasks wait for these acknowledgements: fail a batch within ackTimeout, and never block the loop long.
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ackTimeout.toMillis());
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The reader of the attempts topic for {@link Attempts#load}: no group, uncommitted. */
    static Consumer<byte[], byte[]> attemptsReader(WriterConfig config) {
        Map<String, Object> c = withOverrides(config);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "sf-writer-attempts-reader-" + config.nodeId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The node's Kafka client settings (security and the like) and its bootstrap servers. */
    static Map<String, Object> withOverrides(WriterConfig config) {
        Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        return p;
    }

    /** The transactional ids of this node's producers, {@code <topic prefix>writer.<node id>} and that with {@code .2}: an installation's own, so ACLs can keep installations apart. */
    List<String> transactionalIds() {
        return transactionalIds(config.topics().prefix(), config.nodeId());
    }

    /** The transactional ids of node {@code nodeId}'s producers in the installation with topic prefix {@code prefix}. */
    static List<String> transactionalIds(String prefix, String nodeId) {
        return List.of(prefix + "writer." + nodeId, prefix + "writer." + nodeId + ".2");
    }

    /** The message for a broker that refused this node's session timeout when it joined the group. */
    String sessionTimeoutRefused() {
        Object ms = consumerProps().get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        return "the broker refused kafka.session.timeout.ms=" + ms + " (outside its group.min.session.timeout.ms"
                + " and group.max.session.timeout.ms; Kafka's default minimum is 6000): lower the brokers'"
                + " group.min.session.timeout.ms (the repository's configurations set 1000), or set"
                + " kafka.session.timeout.ms to at least their minimum, which hands a dead node's tasks over that much later";
    }

    public KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    @Override
    public void close() {
        try {
            // A static member stays in its group when it closes unless told; a node that stops
            // cleanly hands its partitions to the other nodes now.
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (KafkaException e) {
            log.warn("consumer close: {}", e.toString());
        }
    }
}
