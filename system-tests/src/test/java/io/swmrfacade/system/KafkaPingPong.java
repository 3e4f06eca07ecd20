package io.swmrfacade.system;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * nothing else (no file, no attempt records; transactions only where named); the pings are sent
 * acks=all, idempotent, linger 0, paced by parking ({@link Pacer}).
 *
 * <ul>
 *   <li>{@link #oneHop}: produce a record, fetch it with an assigned consumer: one hop;
 *   <li>{@link #twoHops}: a ping, an echo thread that polls it and sends it back as a pong, and
 *       the pong fetched: two hops, the least a task and its result can cost.
 *   <li>{@link #eosTwoHops}: the same two hops with the echo made exactly-once as the writer
 *       node's is ({@link TransactionalEcho}: the pong sent in a transaction with the ping's
 *       offset, committed every 100 ms as the node's is; with one producer committing in the
 *       loop, or two taking turns as the node's do) and the pong read uncommitted, as the facade
 *       reads results: the least a task and its result can cost with Kafka's transactions;
 *   <li>{@link #eosEchoRate}: that exactly-once echo at full speed, records per second from the
 *       first ping sent to the last pong read.
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
    /** The exactly-once echoes, with one producer (index 0) and with two (index 1). */
    private final List<EosEcho> eos;
    private final String bootstrap;

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
        this.bootstrap = bootstrap;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new java.util.ArrayList<>(List.of(benchTopic(admin, ping), benchTopic(admin, pong), benchTopic(admin, hop)));
            for (int producers = 1; producers <= 2; producers++) {
                topics.add(benchTopic(admin, "bench-eos" + producers + "-ping-" + run));
                topics.add(benchTopic(admin, "bench-eos" + producers + "-pong-" + run));
            }
            admin.createTopics(topics).all().get();
        }
        this.producer = producer(bootstrap);
        this.replies = consumer(bootstrap, null);
        this.hops = consumer(bootstrap, null);
        assignAtEnd(replies, pong);
        assignAtEnd(hops, hop);
        this.echo = new Thread(() -> echo(bootstrap), "ping-pong-echo");
        echo.start();
        awaitAnswering(ping, replies);
        List<EosEcho> echoes = new java.util.ArrayList<>();
        for (int producers = 1; producers <= 2; producers++) {
            String in = "bench-eos" + producers + "-ping-" + run;
            String out = "bench-eos" + producers + "-pong-" + run;
            KafkaConsumer<byte[], byte[]> reader = consumer(bootstrap, null);
            assignAtEnd(reader, out);
            echoes.add(new EosEcho(in, reader, new TransactionalEcho(bootstrap, in, out, producers)));
            awaitAnswering(in, reader);
        }
        this.eos = List.copyOf(echoes);
    }

    /** An exactly-once echo: the topic its pings go to, the reader of its pongs (uncommitted), the echo loop. */
    private record EosEcho(String ping, KafkaConsumer<byte[], byte[]> replies, TransactionalEcho echo) {
    }

    /** The echo side has joined its group and fetches before any clock starts. */
    private void awaitAnswering(String topic, KafkaConsumer<byte[], byte[]> reader) {
        AtomicInteger answered = new AtomicInteger();
        Awaitility.await().alias("the echo side of " + topic + " answers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    producer.send(new ProducerRecord<>(topic, stamp(0))).get();
                    reader.poll(Duration.ofMillis(200)).forEach(r -> answered.incrementAndGet());
                    return answered.get() > 0;
                });
        Awaitility.await().alias("the echo side of " + topic + " is drained").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> reader.poll(Duration.ofMillis(300)).isEmpty());
    }

    /** Sorted one-hop latencies in ns of {@code seconds} of records at {@code rate}/s. */
    long[] oneHop(int rate, int seconds) throws InterruptedException {
        return measure(hop, hops, producer, rate, rate * seconds, null).sorted();
    }

    /** Sorted two-hop round trips in ns of {@code seconds} of pings at {@code rate}/s. */
    long[] twoHops(int rate, int seconds) throws InterruptedException {
        return measure(ping, replies, producer, rate, rate * seconds, null).sorted();
    }

    /** Sorted exactly-once two-hop round trips in ns of {@code seconds} of pings at {@code rate}/s, through the echo with {@code producers} (1 or 2). */
    long[] eosTwoHops(int producers, int rate, int seconds) throws InterruptedException {
        EosEcho e = eos.get(producers - 1);
        return measure(e.ping(), e.replies(), producer, rate, rate * seconds, e.echo()).sorted();
    }

    /**
     * {@code n} 100-byte pings sent as fast as a producer with Kafka's defaults and acks=all (as
     * ProducerPerformance's) sends them, through the exactly-once echo; returns pongs read per
     * second, from the first ping sent to the last pong read.
     */
    double eosEchoRate(int producers, int n) throws InterruptedException {
        EosEcho e = eos.get(producers - 1);
        try (KafkaProducer<byte[], byte[]> fast = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            return n / (measure(e.ping(), e.replies(), fast, 0, n, e.echo()).nanos() / 1e9);
        }
    }

    /** Latencies in ns, sorted, and the time from the first send to the last record read. */
    private record Run(long[] sorted, long nanos) {
    }

    /** Sends {@code n} records through {@code topic} at {@code rate}/s (0: as fast as {@code sender} takes them) and reads them back. */
    private Run measure(String topic, KafkaConsumer<byte[], byte[]> reader, KafkaProducer<byte[], byte[]> sender, int rate, int n,
            TransactionalEcho through) throws InterruptedException {
        long[] latency = new long[n];
        AtomicLong lastRead = new AtomicLong();
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
                            long now = System.nanoTime();
                            latency[slot] = now - b.getLong();
                            lastRead.set(now);
                            received.incrementAndGet();
                        }
                    }
                }
            } catch (RuntimeException e) {
                failed.set(e);
            }
        }, "ping-pong-reader");
        fetch.start();
        Pacer pacer = rate > 0 ? new Pacer(rate) : null;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (pacer != null) {
                pacer.awaitNext();
            }
            sender.send(new ProducerRecord<>(topic, stamp(i)));
        }
        try {
            Awaitility.await().alias("every record is back").atMost(Duration.ofSeconds(60 + n / 1_000)).pollInterval(Duration.ofMillis(10))
                    .until(() -> received.get() >= n || failed.get() != null || (through != null && through.failure() != null));
        } finally {
            done.set(true);
            fetch.join();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        if (through != null && through.failure() != null) {
            throw new IllegalStateException("the transactional echo failed", through.failure());
        }
        Arrays.sort(latency);
        return new Run(latency, lastRead.get() - start);
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
        for (EosEcho e : eos) {
            e.echo().close();
        }
        producer.close();
        replies.close();
        hops.close();
        eos.forEach(e -> e.replies().close());
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
