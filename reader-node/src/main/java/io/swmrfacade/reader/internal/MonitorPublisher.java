package io.swmrfacade.reader.internal;

import io.swmrfacade.proto.v1.MonitorUpdate;
import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link MonitorUpdate}s, keyed by reader id, from a thread of its own, so the follow
 * thread never waits on Kafka: {@link #offer} only swaps in the latest snapshot. Updates are a
 * live view, so while the broker is slow or away only the newest is kept, and sent again until it
 * goes through. A producer's first metadata can take longer than a send may block on a busy
 * machine, so a failure is only worth a WARN once publishing has failed for {@link #WARN_AFTER}
 * without a break: one WARN then, and one INFO when it works again.
 *
 * <p>{@link #offer} and {@link #close} may be called from any thread.
 */
public final class MonitorPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorPublisher.class);
    private static final String HOST = hostName();
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long publishing must fail, without one success, before it is logged as a problem. */
    static final Duration WARN_AFTER = Duration.ofSeconds(10);
    /** Pause after a send that could not even start (no metadata), before the next attempt. */
    private static final long RETRY_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ReaderId id;
    private final String topic;
    private final Map<String, Object> producerConfig;
    private final AtomicReference<Snapshot> latest = new AtomicReference<>();
    private final Thread sender;
    private volatile boolean closing;
    private volatile long closeDeadlineNanos;
    private volatile boolean warned;
    /** When the current run of failures began (System.nanoTime), or 0 while publishing works. */
    private volatile long failingSince;
    /** The time of the newest view the broker has taken. */
    private final AtomicReference<Instant> published = new AtomicReference<>(Instant.MIN);

    private MonitorPublisher(ReaderId id, String topic, Map<String, Object> producerConfig) {
        this.id = id;
        this.topic = topic;
        this.producerConfig = producerConfig;
        this.sender = new Thread(this::run, id + "-monitor");
        this.sender.setDaemon(true);
    }

    /**
     * Starts the sender thread. Never blocks and never throws on Kafka trouble: a producer that
     * cannot even be created (an unresolvable bootstrap, say) is logged and updates are dropped.
     */
    public static MonitorPublisher start(ReaderId id, String topic, String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, id + "-monitor");
        // A live view: one replica's ack is enough, and an update that cannot go out soon is stale anyway.
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
        config.putAll(overrides);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        MonitorPublisher p = new MonitorPublisher(id, topic, config);
        p.sender.start();
        return p;
    }

    /** Queues {@code s} for sending, replacing any update not sent yet. Never blocks. */
    public void offer(Snapshot s) {
        latest.set(s);
        LockSupport.unpark(sender);
    }

    /** The protobuf form of a snapshot; {@code tasks_failed} counts every row that did not end OK. */
    static MonitorUpdate toProto(Snapshot s) {
        MonitorUpdate.Builder b = MonitorUpdate.newBuilder()
                .setReaderId(s.readerId().value())
                .setFile(s.file().toString())
                .setAtUs(micros(s.at()))
                .setSegment(s.segment())
                .setTaskRows(s.totalRows())
                .setTasksOk(s.tasks().ok())
                .setTasksFailed(s.tasks().notOk())
                .setHost(HOST);
        for (Snapshot.Stream st : s.streams()) {
            b.addStreams(MonitorUpdate.Stream.newBuilder().setPath(st.path()).setDtype(st.dtype()).setSamples(st.samples()));
        }
        return b.build();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    private void run() {
        KafkaProducer<String, byte[]> producer;
        try {
            producer = new KafkaProducer<>(producerConfig);
        } catch (RuntimeException e) {
            LOG.warn("[{}] monitor updates are off: cannot create a Kafka producer for {}: {}", id,
                    producerConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), FollowLoop.oneLine(e));
            return;
        }
        try {
            while (!closing) {
                Snapshot s = latest.getAndSet(null);
                if (s == null) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                } else {
                    send(producer, s);
                }
            }
            Snapshot last = latest.getAndSet(null);
            if (last != null) {
                send(producer, last);
            }
        } finally {
            producer.close(Duration.ofNanos(Math.max(0, closeDeadlineNanos - System.nanoTime())));
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, Snapshot s) {
        try {
            producer.send(new ProducerRecord<>(topic, id.value(), toProto(s).toByteArray()), (m, e) -> sent(s, e));
        } catch (RuntimeException e) {
            // send() throws when it has no metadata within max.block.ms: the broker is slow to
            // answer a new producer, or away.
            sent(s, e);
            if (!closing) {
                LockSupport.parkNanos(this, RETRY_PARK_NANOS);
            }
        }
    }

    /** Runs on the sender thread or the producer's; {@code e} null on success. */
    private void sent(Snapshot s, Exception e) {
        if (e == null) {
            published.accumulateAndGet(s.at(), (a, b) -> a.isAfter(b) ? a : b);
            failingSince = 0;
            if (warned) {
                warned = false;
                LOG.info("[{}] publishing to {} again", id, topic);
            }
            return;
        }
        // Not lost: sent again, unless a newer view has come or gone out meanwhile.
        if (s.at().isAfter(published.get())) {
            latest.compareAndSet(null, s);
        }
        long now = System.nanoTime();
        long since = failingSince;
        if (since == 0) {
            failingSince = now;
            LOG.debug("[{}] cannot publish to {} yet: {}", id, topic, FollowLoop.oneLine(e));
        } else if (!warned && now - since >= WARN_AFTER.toNanos()) {
            warned = true;
            LOG.warn("[{}] cannot publish to {} for {} s ({}); console and HTTP reports go on, publishing is retried",
                    id, topic, TimeUnit.NANOSECONDS.toSeconds(now - since), FollowLoop.oneLine(e));
        }
    }

    /** Sends the last queued update if it can, then stops the thread and the producer within {@code timeout}. */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        closeDeadlineNanos = deadline;
        closing = true;
        LockSupport.unpark(sender);
        try {
            sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            LOG.warn("[{}] monitor sender did not stop within {} ms", id, timeout.toMillis());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
