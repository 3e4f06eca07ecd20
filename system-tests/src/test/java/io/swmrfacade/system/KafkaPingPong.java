package io.swmrfacade.system;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The floor under any round trip through Kafka on this machine: a bare ping-pong with plain
 * Kafka clients and nothing else (no file, no transactions, no attempt records). A requester
 * sends pings (acks=all, idempotent, linger 0) paced at a fixed rate; an echo thread polls them
 * and sends each back as a pong; the requester's consumer times each pong against its ping.
 * That is two produce-and-fetch hops, the least a task and its result can cost. A benchmark
 * baseline, run in the same process and on the same broker as the measurement it is compared to.
 */
final class KafkaPingPong {

    private KafkaPingPong() {
    }

    /** Returns the sorted round trips in nanoseconds of {@code seconds} of pings at {@code rate}/s, after 2 s of warm-up. */
    static long[] run(String bootstrap, int rate, int seconds) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ping = "bench-ping-" + run;
        String pong = "bench-pong-" + run;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(ping, 3, (short) 1), new NewTopic(pong, 3, (short) 1))).all().get();
        }
        int warm = 2 * rate;
        int n = warm + seconds * rate;
        long[] latency = new long[n];
        AtomicInteger received = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread echo = new Thread(() -> echo(bootstrap, ping, pong, stop), "ping-pong-echo");
        echo.start();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
             KafkaConsumer<byte[], byte[]> replies = consumer(bootstrap, null)) {
            List<TopicPartition> parts = List.of(new TopicPartition(pong, 0), new TopicPartition(pong, 1), new TopicPartition(pong, 2));
            replies.assign(parts);
            replies.seekToEnd(parts);
            parts.forEach(replies::position);
            Thread reader = new Thread(() -> {
                while (received.get() < n && !stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : replies.poll(Duration.ofMillis(100))) {
                        ByteBuffer b = ByteBuffer.wrap(r.value());
                        int slot = b.getInt();
                        latency[slot] = System.nanoTime() - b.getLong();
                        received.incrementAndGet();
                    }
                }
            }, "ping-pong-reader");
            reader.start();
            // The echo side has joined its group and fetches before the clock starts.
            Awaitility.await().alias("the echo side answers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        producer.send(new ProducerRecord<>(ping, ByteBuffer.allocate(100).putInt(0).putLong(System.nanoTime()).array())).get();
                        return received.get() > 0;
                    });
            AtomicInteger seen = new AtomicInteger(-1);
            Awaitility.await().alias("the warm-up pongs are in").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> seen.getAndSet(received.get()) == received.get());
            received.set(0);
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                byte[] v = ByteBuffer.allocate(100).putInt(i).putLong(System.nanoTime()).array();
                producer.send(new ProducerRecord<>(ping, v));
                next += 1_000_000_000L / rate;
            }
            Awaitility.await().alias("every pong is back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> received.get() >= n);
            stop.set(true);
            reader.join();
        } finally {
            stop.set(true);
            echo.join();
        }
        long[] measured = Arrays.copyOfRange(latency, warm, n);
        Arrays.sort(measured);
        return measured;
    }

    private static void echo(String bootstrap, String ping, String pong, AtomicBoolean stop) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
             KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "ping-pong-echo")) {
            consumer.subscribe(List.of(ping));
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    producer.send(new ProducerRecord<>(pong, r.partition(), r.key(), r.value()));
                }
            }
        }
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
