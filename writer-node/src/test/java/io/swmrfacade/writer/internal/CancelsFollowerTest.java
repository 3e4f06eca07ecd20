package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.proto.v1.CancelRequest;
import io.swmrfacade.proto.v1.TaskRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;

/** {@link CancelsFollower} over Kafka's MockConsumer: reads the topic from its start before the node starts tasks. */
class CancelsFollowerTest {

    private static final TopicPartition TP = new TopicPartition("sf.cancels", 0);

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(TP.topic(), 0, offset, new byte[0], value);
    }

    private static TaskRequest task(String id, String session) {
        return TaskRequest.newBuilder().setTaskId(id).setSessionId(session).build();
    }

    @Test
    void start_up_waits_until_the_cancels_already_on_the_topic_are_known_then_follows_new_ones() throws InterruptedException {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, 3L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(0, CancelRequest.newBuilder().setTaskId("t1").setSessionId("s1").build().toByteArray()));
            consumer.addRecord(record(1, new byte[] {(byte) 0xff, 0x01})); // not a CancelRequest: ignored
            consumer.addRecord(record(2, CancelRequest.newBuilder().build().toByteArray())); // names nothing: ignored
        });
        CancelBook book = new CancelBook();
        AtomicInteger wakes = new AtomicInteger();
        CancelsFollower follower = new CancelsFollower(TP.topic(), consumer, book, wakes::incrementAndGet, new LogContext());
        try {
            follower.startAndCatchUp();
            assertThat(book.reason(task("t1", "s1"))).isEqualTo("cancelled");
            assertThat(book.size()).isEqualTo(1);

            consumer.schedulePollTask(() -> consumer.addRecord(record(3,
                    CancelRequest.newBuilder().setSessionId("s2").setRequestedBy("bo").build().toByteArray())));
            await("the session's cancel followed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> book.reason(task("any", "s2")) != null);
            assertThat(book.reason(task("any", "s2"))).isEqualTo("cancelled by bo with its session");
            assertThat(book.reason(task("t2", "s1"))).isNull();
            assertThat(wakes.get()).isGreaterThanOrEqualTo(2);
        } finally {
            follower.close();
        }
        assertThat(consumer.closed()).isTrue();
    }
}
