package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.proto.v1.TaskAttempt;
import io.swmrfacade.writer.WriterNodeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;

/** Attempt counts read back on assignment, on Kafka's in-memory clients (no broker). */
class AttemptsTest {

    private static final String TOPIC = "sf.attempts";

    /** A reader whose metadata shows the topic only after a few asks, as a broker does for a topic created a moment ago. */
    private static final class LateMetadataConsumer extends MockConsumer<byte[], byte[]> {
        final AtomicInteger asks = new AtomicInteger();
        final int emptyAnswers;

        LateMetadataConsumer(int emptyAnswers, int partitions) {
            super("earliest");
            this.emptyAnswers = emptyAnswers;
            List<PartitionInfo> infos = new java.util.ArrayList<>();
            Map<TopicPartition, Long> begin = new HashMap<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                infos.add(new PartitionInfo(TOPIC, p, null, null, null));
                begin.put(new TopicPartition(TOPIC, p), 0L);
                end.put(new TopicPartition(TOPIC, p), 0L);
            }
            updatePartitions(TOPIC, infos);
            updateBeginningOffsets(begin);
            updateEndOffsets(end);
        }

        @Override
        public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
            return asks.incrementAndGet() <= emptyAnswers ? List.of() : super.partitionsFor(topic, timeout);
        }
    }

    private static Attempts attempts(MockConsumer<byte[], byte[]> reader) {
        return new Attempts(TOPIC, "n", new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()), reader,
                Clock.systemUTC(), new LogContext());
    }

    @Test
    void a_node_assigned_right_after_creating_the_attempts_topic_waits_for_its_metadata() {
        LateMetadataConsumer reader = new LateMetadataConsumer(3, 2);
        Attempts a = attempts(reader);
        a.load(List.of(new TopicPartition("sf.tasks", 0), new TopicPartition("sf.tasks", 1)));
        assertThat(reader.asks.get()).isEqualTo(4);
        a.close();
    }

    @Test
    void an_attempts_topic_with_fewer_partitions_than_the_tasks_topic_is_refused_naming_both_counts() {
        Attempts a = attempts(new LateMetadataConsumer(0, 1));
        assertThatThrownBy(() -> a.load(List.of(new TopicPartition("sf.tasks", 1))))
                .isInstanceOf(WriterNodeException.class).hasMessageContaining("has 1 partitions, fewer than the tasks topic");
        a.close();
    }

    @Test
    void counts_are_read_to_the_end_and_a_tombstone_ends_one() {
        LateMetadataConsumer reader = new LateMetadataConsumer(0, 1);
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        reader.updateEndOffsets(Map.of(tp, 3L));
        reader.schedulePollTask(() -> {
            reader.addRecord(record(0, "t1", 1));
            reader.addRecord(record(1, "t2", 2));
            reader.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, "t1".getBytes(StandardCharsets.UTF_8), null));
        });
        Attempts a = attempts(reader);
        a.load(List.of(new TopicPartition("sf.tasks", 0)));
        assertThat(a.starts("t1")).isZero();
        assertThat(a.starts("t2")).isEqualTo(2);
        a.close();
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String taskId, int starts) {
        return new ConsumerRecord<>(TOPIC, 0, offset, taskId.getBytes(StandardCharsets.UTF_8),
                TaskAttempt.newBuilder().setTaskId(taskId).setAttempts(starts).build().toByteArray());
    }
}
