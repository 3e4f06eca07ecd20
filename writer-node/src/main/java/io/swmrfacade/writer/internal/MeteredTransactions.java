package io.swmrfacade.writer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link Transactions} that also show, to a scrape on another thread, how many Kafka transactions
 * are open (the one taking results, once it holds any, and the one committing) and how many
 * results and dead letters they hold (a packed record counts its results), and count commits by outcome.
 *
 * <p>Loop thread only, as the transactions it wraps; the gauges read what the loop last published
 * there (ordered writes, no lock: a scrape may see a value one call old).
 */
final class MeteredTransactions implements Transactions {

    private final Transactions txns;
    private final Counter committed;
    private final Counter aborted;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger records = new AtomicInteger();
    /** Records of the transaction committing now; loop thread. */
    private int committingRecords;

    MeteredTransactions(Transactions txns, MeterRegistry registry) {
        this.txns = txns;
        Gauge.builder("sf.writer.transactions.open", open, AtomicInteger::get)
                .description("Kafka transactions open: the one taking results (once it holds any) and the one committing")
                .strongReference(true).register(registry);
        Gauge.builder("sf.writer.transactions.records", records, AtomicInteger::get).baseUnit("records")
                .description("Results and dead letters sent in transactions not yet committed")
                .strongReference(true).register(registry);
        this.committed = commits(registry, "committed");
        this.aborted = commits(registry, "aborted");
    }

    private static Counter commits(MeterRegistry registry, String outcome) {
        return Counter.builder("sf.writer.commits").tag("outcome", outcome)
                .description("Transactions ended, by outcome (aborted: after a retriable failure; their records are sent again)")
                .register(registry);
    }

    @Override
    public void init(BooleanSupplier stop) {
        txns.init(stop);
    }

    @Override
    public void send(Outgoing record) {
        txns.send(record);
        publish();
    }

    @Override
    public void clearOnCommit(Inflight t) {
        txns.clearOnCommit(t);
    }

    @Override
    public int openRecords() {
        return txns.openRecords();
    }

    @Override
    public boolean committing() {
        return txns.committing();
    }

    @Override
    public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        int sent = txns.openRecords();
        txns.commit(offsets, group);
        committingRecords = sent;
        publish();
    }

    @Override
    public Completion commitNow(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        return ended(txns.commitNow(offsets, group));
    }

    @Override
    public Completion poll() {
        return ended(txns.poll());
    }

    @Override
    public Completion await() {
        return ended(txns.await());
    }

    @Override
    public Batch abortOpen() {
        Batch b = txns.abortOpen();
        publish();
        return b;
    }

    @Override
    public void close() {
        txns.close();
        open.set(0);
        records.set(0);
    }

    private Completion ended(Completion c) {
        if (c != null) {
            (c.committed() ? committed : aborted).increment();
            committingRecords = 0;
            publish();
        }
        return c;
    }

    private void publish() {
        int sent = txns.openRecords();
        boolean committing = txns.committing();
        if (!committing) {
            committingRecords = 0;
        }
        open.lazySet((sent > 0 ? 1 : 0) + (committing ? 1 : 0));
        records.lazySet(sent + committingRecords);
    }
}
