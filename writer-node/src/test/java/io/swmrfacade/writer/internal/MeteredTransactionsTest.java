package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The open-transaction gauges and commit counts, over transactions kept in memory whose commits end when the test says. */
class MeteredTransactionsTest {

    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("sf.writers");

    /** Two transactions taking turns as the Kafka ones do: one open, at most one committing. */
    private static final class TurnTransactions implements Transactions {
        List<Outgoing> open = new ArrayList<>();
        Batch committing;
        Boolean outcome;

        @Override
        public void init(BooleanSupplier stop) {
        }

        @Override
        public void send(Outgoing record) {
            open.add(record);
        }

        @Override
        public void clearOnCommit(Inflight t) {
        }

        @Override
        public int openRecords() {
            return open.size();
        }

        @Override
        public boolean committing() {
            return committing != null;
        }

        @Override
        public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            committing = new Batch(open, offsets, List.of());
            open = new ArrayList<>();
        }

        @Override
        public Completion commitNow(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            Batch b = new Batch(open, offsets, List.of());
            open = new ArrayList<>();
            return new Completion(b, true);
        }

        @Override
        public Completion poll() {
            if (outcome == null) {
                return null;
            }
            Completion c = new Completion(committing, outcome);
            committing = null;
            outcome = null;
            return c;
        }

        @Override
        public Completion await() {
            return poll();
        }

        @Override
        public Batch abortOpen() {
            Batch b = new Batch(open, Map.of(), List.of());
            open = new ArrayList<>();
            return b;
        }

        @Override
        public void close() {
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TurnTransactions inner = new TurnTransactions();
    private final MeteredTransactions txns = new MeteredTransactions(inner, registry);

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double commits(String outcome) {
        return registry.get("sf.writer.commits").tag("outcome", outcome).counter().count();
    }

    private void send(int n) {
        for (int i = 0; i < n; i++) {
            txns.send(new Transactions.Outgoing(new ProducerRecord<>("sf.results", new byte[1]), null, 0));
        }
    }

    @Test
    void open_transactions_and_their_records_follow_sends_commits_and_their_outcomes() {
        assertThat(gauge("sf.writer.transactions.open")).isZero();
        send(3);
        assertThat(gauge("sf.writer.transactions.open")).isEqualTo(1);
        assertThat(gauge("sf.writer.transactions.records")).isEqualTo(3);

        txns.commit(Map.of(), GROUP);
        assertThat(gauge("sf.writer.transactions.open")).isEqualTo(1); // committing; the other one holds nothing yet
        send(2);
        assertThat(gauge("sf.writer.transactions.open")).isEqualTo(2);
        assertThat(gauge("sf.writer.transactions.records")).isEqualTo(5);

        assertThat(txns.poll()).isNull();
        inner.outcome = true;
        assertThat(txns.poll().committed()).isTrue();
        assertThat(gauge("sf.writer.transactions.open")).isEqualTo(1);
        assertThat(gauge("sf.writer.transactions.records")).isEqualTo(2);
        assertThat(commits("committed")).isEqualTo(1);

        txns.commit(Map.of(), GROUP);
        inner.outcome = false;
        assertThat(txns.await().committed()).isFalse();
        assertThat(commits("aborted")).isEqualTo(1);
        assertThat(gauge("sf.writer.transactions.open")).isZero();
        assertThat(gauge("sf.writer.transactions.records")).isZero();

        send(1);
        assertThat(txns.commitNow(Map.of(), GROUP).committed()).isTrue();
        assertThat(commits("committed")).isEqualTo(2);
        assertThat(gauge("sf.writer.transactions.records")).isZero();
        send(4);
        assertThat(txns.abortOpen().records()).hasSize(4);
        assertThat(gauge("sf.writer.transactions.open")).isZero();
    }
}
