package io.swmrfacade.cli;

import io.swmrfacade.topology.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead-letter topic from its start, without a consumer group (it commits nothing, so
 * any number of people may look at once). Committed records only: writer nodes dead-letter in
 * the same transaction as their other output, and an aborted one never happened.
 * Not thread-safe; close it.
 */
final class DeadLetterTopic implements AutoCloseable {

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    /**
     * Finds the topic's partitions within {@code timeout}; fails with one line if it is not there.
     * {@code kafka} holds Kafka client settings (security ones, say) from the command's --config.
     */
    DeadLetterTopic(String bootstrap, Map<String, Object> kafka, Topics topics, Duration timeout) {
        this.topic = topics.deadLetter();
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1_000, timeout.toMillis()));
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, timeout);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            // No cause: sf prints the innermost message, and this one names the topic and the broker.
            throw new IllegalStateException("cannot read topic " + topic + " at " + bootstrap + " within " + timeout + ": " + e.getMessage());
        }
        if (infos == null || infos.isEmpty()) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw new IllegalStateException("topic " + topic + " does not exist at " + bootstrap
                    + " (wrong --topic-prefix, or no coordinator has created the topics yet)");
        }
        this.partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
    }

    /**
     * Passes every record from the start to {@code sink}: up to the end offsets seen now, or, with
     * {@code follow}, on and on. Returns when done, at {@code deadlineNanos} ({@link System#nanoTime}),
     * or when interrupted; returns how many it passed.
     */
    long readAll(boolean follow, long deadlineNanos, Consumer<DeadLetterRecord> sink) {
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long count = 0;
        while (System.nanoTime() - deadlineNanos < 0 && !Thread.currentThread().isInterrupted()) {
            if (!follow && partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                break;
            }
            long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(Math.min(200, left)))) {
                sink.accept(DeadLetterRecord.of(r.partition(), r.offset(), r.value()));
                count++;
            }
        }
        return count;
    }

    /** The dead letter with this id, or null when the topic has no committed record there (within {@code timeout}). */
    DeadLetterRecord read(DeadLetterId id, Duration timeout) {
        TopicPartition tp = new TopicPartition(topic, id.partition());
        if (!partitions.contains(tp)) {
            throw new IllegalArgumentException("dead letter id " + id + ": topic " + topic + " has no partition " + id.partition());
        }
        consumer.assign(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        if (id.offset() >= end) {
            return null;
        }
        consumer.seek(tp, id.offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0 && consumer.position(tp) < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() == id.offset()) {
                    return DeadLetterRecord.of(r.partition(), r.offset(), r.value());
                }
                if (r.offset() > id.offset()) {
                    return null; // a transaction marker or an aborted record sat at that offset
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
