package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.TaskId;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The sender on Kafka's in-memory producers (no broker). */
class SenderTest {

    private static MockProducer<byte[], byte[]> producer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void journal_entries_go_through_their_own_producer_so_no_task_waits_behind_one() throws Exception {
        MockProducer<byte[], byte[]> tasks = producer();
        MockProducer<byte[], byte[]> journal = producer();
        Sender sender = new Sender(tasks, journal, "u.tasks", "u.events", "session-1", Clock.systemUTC(), 100, 1 << 20,
                (p, why) -> { });
        Thread thread = new Thread(sender, "sender-under-test");
        thread.start();
        for (int i = 0; i < 3; i++) {
            assertThat(sender.reserve(1)).isNull();
            sender.enqueue(new Sender.Pending(TaskId.next(), i + 1, "echo", null, new byte[] {1}));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> journal.history().size() == 3);
        assertThat(tasks.history()).hasSize(3).extracting(ProducerRecord::topic).containsOnly("u.tasks");
        assertThat(journal.history()).extracting(ProducerRecord::topic).containsOnly("u.events");
        sender.close(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        thread.join(10_000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(tasks.closed()).isTrue();
        assertThat(journal.closed()).isTrue();
        assertThat(sender.unjournaled()).isEmpty();
        assertThat(sender.buffered()).isZero();
    }
}
