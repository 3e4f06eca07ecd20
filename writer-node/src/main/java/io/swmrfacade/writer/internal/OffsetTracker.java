package io.swmrfacade.writer.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each owned partition are finished. Tasks finish out of order (per-type
 * lanes), so the offset that may be committed is the lowest one still open, or one past the
 * highest seen when none is open.
 *
 * <p>Each assignment of a partition gets a new epoch, so the completion of a task taken under an
 * earlier assignment is recognised and dropped (another node may have run it since).
 *
 * <p>Owned by the task loop thread; not thread-safe.
 */
final class OffsetTracker {

    private static final class PartitionState {
        final long epoch;
        final TreeSet<Long> open = new TreeSet<>();
        long next = -1;
        long committed = -1;

        PartitionState(long epoch) {
            this.epoch = epoch;
        }
    }

    private final Map<TopicPartition, PartitionState> owned = new HashMap<>();
    private long epochs;

    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            owned.put(tp, new PartitionState(++epochs));
        }
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(owned::remove);
    }

    /** Records that a task was taken; returns the epoch to hand back with {@link #finished}, or -1 if not owned. */
    long taken(TopicPartition tp, long offset) {
        PartitionState s = owned.get(tp);
        if (s == null) {
            return -1;
        }
        s.open.add(offset);
        s.next = Math.max(s.next, offset + 1);
        return s.epoch;
    }

    /** True if the partition is still owned under the same assignment as when the task was taken. */
    boolean current(TopicPartition tp, long epoch) {
        PartitionState s = owned.get(tp);
        return s != null && s.epoch == epoch;
    }

    void finished(TopicPartition tp, long epoch, long offset) {
        PartitionState s = owned.get(tp);
        if (s != null && s.epoch == epoch) {
            s.open.remove(offset);
        }
    }

    /** Offsets to commit that moved since the last {@link #markCommitted}. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        owned.forEach((tp, s) -> {
            long upTo = s.open.isEmpty() ? s.next : s.open.first();
            if (upTo > s.committed && upTo >= 0) {
                out.put(tp, new OffsetAndMetadata(upTo));
            }
        });
        return out;
    }

    void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            PartitionState s = owned.get(tp);
            if (s != null) {
                s.committed = Math.max(s.committed, o.offset());
            }
        });
    }

    int open() {
        return owned.values().stream().mapToInt(s -> s.open.size()).sum();
    }
}
