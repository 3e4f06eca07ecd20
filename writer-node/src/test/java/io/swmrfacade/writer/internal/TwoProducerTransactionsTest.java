package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.proto.v1.TaskRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;

/** The two producers' turn-taking and failure rules, on Kafka's in-memory producer (no broker). */
class TwoProducerTransactionsTest {

    private static final TopicPartition TASKS = new TopicPartition("sf.tasks", 0);
    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("sf.writers");

    private final Map<String, MockProducer<byte[], byte[]>> clients = new LinkedHashMap<>();

    private TwoProducerTransactions transactions() {
        TwoProducerTransactions t = new TwoProducerTransactions(List.of("sf.writer.n", "sf.writer.n.2"), id -> {
            MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            clients.put(id, p);
            return p;
        }, "n", new LogContext());
        t.init(() -> false);
        return t;
    }

    private static final Transactions.Outgoing[] RESULTS = {result(0), result(1), result(2)};

    private static Transactions.Outgoing result(int n) {
        return new Transactions.Outgoing(new ProducerRecord<>("sf.results", new byte[] {(byte) n}), TASKS, 1);
    }

    private static Inflight task() {
        return new Inflight(TaskRequest.newBuilder().setTaskId("t").build(), TASKS, 0, 1, 0, 0, 3);
    }

    @Test
    void the_other_producer_takes_results_while_one_commits_and_commits_come_back_in_order() {
        TwoProducerTransactions t = transactions();
        t.send(RESULTS[1]);
        t.clearOnCommit(task());
        t.commit(Map.of(TASKS, new OffsetAndMetadata(1)), GROUP);
        assertThat(t.committing()).isTrue();
        t.send(RESULTS[2]);
        assertThat(t.openRecords()).isEqualTo(1);
        Transactions.Completion first = t.await();
        assertThat(first.committed()).isTrue();
        assertThat(first.batch().records()).containsExactly(RESULTS[1]);
        assertThat(first.batch().clears()).hasSize(1);
        MockProducer<byte[], byte[]> one = clients.get("sf.writer.n");
        MockProducer<byte[], byte[]> two = clients.get("sf.writer.n.2");
        assertThat(one.history()).hasSize(1);
        assertThat(one.transactionCommitted()).isTrue();
        assertThat(one.consumerGroupOffsetsHistory()).hasSize(1);
        assertThat(two.transactionInFlight()).isTrue();
        t.close();
    }

    @Test
    void a_failed_commit_is_aborted_and_returned_for_sending_again() {
        TwoProducerTransactions t = transactions();
        t.send(RESULTS[1]);
        clients.get("sf.writer.n").sendOffsetsToTransactionException = new KafkaException("coordinator moved");
        Transactions.Completion c = t.commitNow(Map.of(TASKS, new OffsetAndMetadata(1)), GROUP);
        assertThat(c.committed()).isFalse();
        assertThat(c.batch().records()).containsExactly(RESULTS[1]);
        assertThat(clients.get("sf.writer.n").transactionAborted()).isTrue();
        t.close();
    }

    @Test
    void a_commit_that_times_out_twice_stops_the_node_without_aborting() {
        TwoProducerTransactions t = transactions();
        t.send(RESULTS[1]);
        MockProducer<byte[], byte[]> one = clients.get("sf.writer.n");
        one.commitTransactionException = new TimeoutException("no answer");
        t.commit(Map.of(TASKS, new OffsetAndMetadata(1)), GROUP);
        assertThatThrownBy(t::await).isInstanceOf(KafkaException.class).hasMessageContaining("outcome is unknown");
        assertThat(one.transactionAborted()).isFalse();
        t.close();
    }

    @Test
    void a_send_that_fails_fails_the_transaction_which_is_then_aborted() {
        TwoProducerTransactions t = transactions();
        clients.get("sf.writer.n").sendException = new KafkaException("buffer full");
        t.send(RESULTS[1]);
        t.send(RESULTS[2]);
        Transactions.Completion c = t.commitNow(Map.of(), GROUP);
        assertThat(c.committed()).isFalse();
        assertThat(c.batch().records()).containsExactly(RESULTS[1], RESULTS[2]);
        t.close();
    }
}
