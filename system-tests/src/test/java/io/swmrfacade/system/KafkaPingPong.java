package io.swmrfacade.system;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/**
 * The floor under any round trip through Kafka on this machine, with plain Kafka clients and
 * nothing else (no file, no transactions, no attempt records); sends are acks=all, idempotent,
 * linger 0, paced by parking ({@link Pacer}).
 *
 * <ul>
 *   <li>{@link #oneHop}: produce a record, fetch it with an assigned consumer: one hop;
 *   <li>{@link #twoHops}: a ping, an echo thread that polls it and sends it back as a pong, and
 *       the pong fetched: two hops, the least a task and its result can cost.
 * </ul>
 *
 * <p>Open once and call repeatedly, alternating with the measurement the floor is compared to,
 * on the same broker in the same process. Not thread-safe.
 */
final class KafkaPingPong implements AutoCloseable {

    private final String ping;
    private final String pong;
    private final String hop;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread echo;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> replies;
    private final KafkaConsumer<byte[], byte[]> hops;

    /**
     * A topic of 3 partitions replicated as the installation's topics are on this cluster
     * (io.swmrfacade.topology.TopicSpec: 3 and min ISR 2 from three brokers, else 1), so the
     * floor pays what the node pays.
     */
    static NewTopic benchTopic(Admin admin, String name) throws Exception {
        int brokers = admin.describeCluster().nodes().get().size();
        short rf = io.swmrfacade.topology.TopicSpec.replicationFor(brokers);
        return new NewTopic(name, 3, rf).configs(Map.of("min.insync.replicas",
                Integer.toString(io.swmrfacade.topology.TopicSpec.minInsyncReplicas(rf))));
    }

    KafkaPingPong(String bootstrap) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        this.ping = "bench-ping-" + run;
        this.pong = "bench-pong-" + run;
        this.hop = "bench-hop-" + run;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(benchTopic(admin, ping), benchTopic(admin, pong), benchTopic(admin, hop))).all().get();
        }
        this.producer = producer(bootstrap);
        this.replies = consumer(bootstrap, null);
        this.hops = consumer(bootstrap, null);
        assignAtEnd(replies, pong);
        assignAtEnd(hops, hop);
        this.echo = new Thread(() -> echo(bootstrap), "ping-pong-echo");
        echo.start();
        // The echo side has joined its group and fetches before any clock starts.
        AtomicInteger answered = new AtomicInteger();
        Awaitility.await().alias("the echo side answers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    producer.send(new ProducerRecord<>(ping, stamp(0))).get();
                    replies.poll(Duration.ofMillis(200)).forEach(r -> answered.incrementAndGet());
                    return answered.get() > 0;
                });
        Awaitility.await().alias("the echo side is drained").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> replies.poll(Duration.ofMillis(300)).isEmpty());
    }

    /** Sorted one-hop latencies in ns of {@code seconds} of records at {@code rate}/s. */
    long[] oneHop(int rate, int seconds) throws InterruptedException {
        return measure(hop, hops, rate, seconds);
    }

    /** Sorted two-hop round trips in ns of {@code seconds} of pings at {@code rate}/s. */
    long[] twoHops(int rate, int seconds) throws InterruptedException {
        return measure(ping, replies, rate, seconds);
    }

    private long[] measure(String topic, KafkaConsumer<byte[], byte[]> reader, int rate, int seconds) throws InterruptedException {
        int n = rate * seconds;
        long[] latency = new long[n];
        AtomicInteger received = new AtomicInteger();
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread fetch = new Thread(() -> {
            try {
                while (received.get() < n && !done.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                        ByteBuffer b = ByteBuffer.wrap(r.value());
                        int slot = b.getInt();
                        if (slot >= 0 && slot < n && latency[slot] == 0) {
                            latency[slot] = System.nanoTime() - b.getLong();
                            received.incrementAndGet();
                        }
                    }
                }
            } catch (RuntimeException e) {
                failed.set(e);
            }
        }, "ping-pong-reader");
        fetch.start();
        Pacer pacer = new Pacer(rate);
        for (int i = 0; i < n; i++) {
            pacer.awaitNext();
            producer.send(new ProducerRecord<>(topic, stamp(i)));
        }
        try {
            Awaitility.await().alias("every record is back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> received.get() >= n || failed.get() != null);
        } finally {
            done.set(true);
            fetch.join();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        Arrays.sort(latency);
        return latency;
    }

    private static byte[] stamp(int slot) {
        return ByteBuffer.allocate(100).putInt(slot).putLong(System.nanoTime()).array();
    }

    private static void assignAtEnd(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2));
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
    }

    private void echo(String bootstrap) {
        try (KafkaProducer<byte[], byte[]> out = producer(bootstrap);
             KafkaConsumer<byte[], byte[]> in = consumer(bootstrap, "ping-pong-echo-" + ping)) {
            in.subscribe(List.of(ping));
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(100))) {
                    out.send(new ProducerRecord<>(pong, r.partition(), r.key(), r.value()));
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        echo.join();
        producer.close();
        replies.close();
        hops.close();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        Map<String, Object> c = new java.util.HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, group != null));
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
