package io.swmrfacade.client.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Chooses the partition of each task without a routing key: runs of about {@link #RUN_BYTES}
 * go to one partition, then the next partition takes a run, round the topic.
 *
 * <p>Kafka's own partitioner does the same with runs of {@code batch.size} bytes, which ties
 * two things together: how many tasks one writer node gets at a time, and how many bytes one
 * produce request may carry to a partition. The facade keeps one request in flight (see
 * FacadeImpl), so the second is its throughput; with runs chosen here, {@code batch.size} can
 * be large (a request carries everything that waited for the one before it) while a node still
 * gets a few hundred small tasks at a time, not thousands (a large run once left a surviving
 * node idle while every task went to a dead node's partition).
 *
 * <p>The partition count is asked once it is known (the tasks topic's count never changes for an
 * installation). Sender thread only; not thread-safe.
 */
final class KeylessSpread {

    /** Bytes of tasks sent to one partition before the next one gets a run: Kafka's default batch size. */
    static final int RUN_BYTES = 16 * 1024;

    private final IntSupplier partitionCount;
    private int partitions;
    private int current = -1;
    private int run;

    /** {@code partitionCount} may block for metadata (bounded by the producer's max.block.ms) and throw. */
    KeylessSpread(IntSupplier partitionCount) {
        this.partitionCount = partitionCount;
    }

    /** The partition for a keyless task of {@code bytes}, or null to let the producer choose (no partitions known). */
    Integer next(int bytes) {
        if (partitions == 0) {
            partitions = partitionCount.getAsInt();
            if (partitions == 0) {
                return null;
            }
            current = ThreadLocalRandom.current().nextInt(partitions);
        }
        if (run >= RUN_BYTES) {
            current = (current + 1) % partitions;
            run = 0;
        }
        run += bytes;
        return current;
    }
}
