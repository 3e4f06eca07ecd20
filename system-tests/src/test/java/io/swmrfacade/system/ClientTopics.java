package io.swmrfacade.system;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic from the beginning to its current end, as an independent client: what the broker really holds. */
final class ClientTopics {

    private ClientTopics() {
    }

    /**
     * Every committed record of {@code topic} (all partitions) that {@code keep} accepts, read once
     * no transaction is open on it (see {@link #settledEnds}).
     */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, Predicate<ConsumerRecord<byte[], byte[]>> keep) {
        return readAll(bootstrap, topic, keep, true);
    }

    /**
     * Every record of {@code topic} that {@code keep} accepts: the committed ones once no
     * transaction is open on the topic, or ({@code committed} false) every record in its log,
     * those of aborted transactions included, as a reader of uncommitted results sees them.
     */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, Predicate<ConsumerRecord<byte[], byte[]>> keep,
                                                        boolean committed) {
        return readAll(bootstrap, Map.of(), topic, keep, committed);
    }

    /** As {@link #readAll(String, String, Predicate, boolean)}, logged in with the Kafka client settings {@code login}. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, Map<String, Object> login, String topic,
                                                        Predicate<ConsumerRecord<byte[], byte[]>> keep, boolean committed) {
        Map<String, Object> p = new java.util.HashMap<>(login);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = committed ? settledEnds(bootstrap, login, parts, Duration.ofSeconds(60))
                    : c.endOffsets(parts, Duration.ofSeconds(10));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 30 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (keep.test(r)) {
                        out.add(r);
                    }
                });
            }
            return out;
        }
    }

    /**
     * Waits until no transaction is open on {@code parts}, that is until each partition's last
     * stable offset reaches its end, and returns those ends. Writers commit within milliseconds
     * once idle; a transaction left open by a killed writer ends when the broker aborts it, after
     * the writer's transaction timeout.
     */
    static Map<TopicPartition, Long> settledEnds(String bootstrap, List<TopicPartition> parts, Duration timeout) {
        return settledEnds(bootstrap, Map.of(), parts, timeout);
    }

    static Map<TopicPartition, Long> settledEnds(String bootstrap, Map<String, Object> login, List<TopicPartition> parts,
                                                 Duration timeout) {
        Map<String, Object> base = new java.util.HashMap<>(login);
        base.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        base.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> stable = new java.util.HashMap<>(base);
        stable.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> all = new java.util.HashMap<>(base);
        all.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> s = new KafkaConsumer<>(stable, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaConsumer<byte[], byte[]> a = new KafkaConsumer<>(all, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> stableEnds = new java.util.concurrent.atomic.AtomicReference<>();
            org.awaitility.Awaitility.await().alias("no transaction left open on " + parts).atMost(timeout)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        Map<TopicPartition, Long> lso = s.endOffsets(parts, Duration.ofSeconds(10));
                        stableEnds.set(lso);
                        return lso.equals(a.endOffsets(parts, Duration.ofSeconds(10)));
                    });
            return stableEnds.get();
        }
    }

    /**
     * Waits until nothing has been added to {@code topic} for {@code quiet}: its end offsets,
     * read every 100 ms, unchanged that long; at most {@code timeout}. For the records a killed
     * producer left in its sockets, which the kernel still delivers after the process is gone.
     */
    static void awaitQuiet(String bootstrap, String topic, Duration quiet, Duration timeout) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> last = new java.util.concurrent.atomic.AtomicReference<>();
            long[] changedAt = {System.nanoTime()};
            org.awaitility.Awaitility.await().alias("nothing more reaches " + topic + " for " + quiet.toMillis() + " ms")
                    .atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                        Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(10));
                        if (!ends.equals(last.getAndSet(ends))) {
                            changedAt[0] = System.nanoTime();
                        }
                        return System.nanoTime() - changedAt[0] >= quiet.toNanos();
                    });
        }
    }

    /** The results that a record of the results topic holds: itself, or those a writer node packed in it (docs/PROTOCOL.md §6). */
    static List<TaskResult> results(byte[] value) throws InvalidProtocolBufferException {
        TaskResult m = TaskResult.parseFrom(value);
        return m.getResultsCount() == 0 ? List.of(m) : m.getResultsList();
    }
}
