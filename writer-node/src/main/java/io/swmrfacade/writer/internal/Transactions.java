package io.swmrfacade.writer.internal;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the writer's results go: an open transaction that takes each result the moment its row
 * is flushed, and commits, one at a time and in order, each covering the offsets of the tasks
 * whose results it holds. {@link TwoProducerTransactions} is the Kafka implementation.
 *
 * <p>Threading: every method is for the loop thread.
 */
interface Transactions extends AutoCloseable {

    /**
     * A record to publish and the task partition it answers for, under the assignment (epoch) it
     * was taken in ({@link OffsetTracker}); a record of an uncommitted transaction is sent again
     * only while that partition is still owned under that assignment. {@code source} is null for
     * a record that answers for no partition. {@code answers}: the results and dead letters it
     * carries, more than one for results packed together ({@link ResultPacking}).
     */
    record Outgoing(ProducerRecord<byte[], byte[]> record, TopicPartition source, long epoch, int answers) {

        /** A record that carries one result or dead letter. */
        Outgoing(ProducerRecord<byte[], byte[]> record, TopicPartition source, long epoch) {
            this(record, source, epoch, 1);
        }
    }

    /** What one transaction held: records sent, offsets committed, and tasks whose attempt counts end with it. */
    record Batch(List<Outgoing> records, Map<TopicPartition, OffsetAndMetadata> offsets, List<Inflight> clears) {
    }

    /** A batch's outcome: committed, or (false) aborted after a retriable failure. */
    record Completion(Batch batch, boolean committed) {
    }

    /** Registers with the broker, retrying while it is unreachable, until {@code stop} says so. */
    void init(java.util.function.BooleanSupplier stop);

    /** Sends {@code record} in the open transaction now. */
    void send(Outgoing record);

    /** Ends {@code t}'s attempt count once the open transaction commits. */
    void clearOnCommit(Inflight t);

    /** Results and dead letters sent in the open transaction so far (a record may carry several). */
    int openRecords();

    /** Whether a commit is in flight and its completion not yet drained. */
    boolean committing();

    /** Hands the open transaction, with {@code offsets}, to be committed in the background; no commit may be in flight. */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group);

    /** Commits the open transaction on this thread and returns its outcome; no commit may be in flight. */
    Completion commitNow(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group);

    /** The in-flight commit's completion if it has finished, else null; does not wait. */
    Completion poll();

    /** Waits for the commit in flight, if any, and returns its completion (null if none was in flight). */
    Completion await();

    /** Aborts the open transaction and returns what it held; no commit may be in flight. */
    Batch abortOpen();

    @Override
    void close();
}
