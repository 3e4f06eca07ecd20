package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.FacadeException;
import io.swmrfacade.proto.v1.CancelRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** {@link CancelSender} over Kafka's MockProducer. */
class CancelSenderTest {

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());

    @Test
    void a_cancel_whose_topic_metadata_comes_late_is_sent_again_not_failed() throws Exception {
        // A fresh facade's producer waits 100 ms for a topic's metadata and then fails the send
        // with a TimeoutException in its callback: sf cancel once failed on that at once.
        try (CancelSender sender = new CancelSender(producer, "sf.cancels", Clock.systemUTC(), "ann")) {
            CompletableFuture<Void> sent = sender.send("t1", "s1");
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
            assertThat(producer.errorNext(new TimeoutException("Topic sf.cancels not present in metadata after 100 ms."))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
            assertThat(sent).isNotDone();
            assertThat(producer.completeNext()).isTrue();
            sent.get(5, TimeUnit.SECONDS);
            CancelRequest c = CancelRequest.parseFrom(producer.history().get(1).value());
            assertThat(c.getTaskId()).isEqualTo("t1");
            assertThat(c.getSessionId()).isEqualTo("s1");
            assertThat(c.getRequestedBy()).isEqualTo("ann");
            assertThat(new String(producer.history().get(1).key(), StandardCharsets.UTF_8)).isEqualTo("t1");
        }
    }

    @Test
    void a_session_cancel_is_keyed_by_the_session_and_names_no_task() throws Exception {
        try (CancelSender sender = new CancelSender(producer, "sf.cancels", Clock.systemUTC(), "")) {
            CompletableFuture<Void> sent = sender.send("", "s1");
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
            producer.completeNext();
            sent.get(5, TimeUnit.SECONDS);
            CancelRequest c = CancelRequest.parseFrom(producer.history().get(0).value());
            assertThat(c.getTaskId()).isEmpty();
            assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("s1");
        }
    }

    @Test
    void a_cancel_the_broker_refuses_fails_with_the_reason_and_one_pending_at_close_fails_too() throws Exception {
        CancelSender sender = new CancelSender(producer, "sf.cancels", Clock.systemUTC(), "");
        CompletableFuture<Void> refused = sender.send("t1", "s1");
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        producer.errorNext(new org.apache.kafka.common.errors.TopicAuthorizationException("Not authorized to access topics: [sf.cancels]"));
        Assertions.assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(FacadeException.class).hasMessageContaining("the broker did not take the cancel of task t1")
                .hasMessageContaining("Not authorized");
        CompletableFuture<Void> pending = sender.send("t2", "s1");
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        sender.close();
        Assertions.assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).cause()
                .hasMessageContaining("the facade closed before the broker confirmed the cancel");
    }
}
