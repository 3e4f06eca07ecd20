package io.swmrfacade.writer.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each owned partition are finished. Tasks finish out of order (per-type
 * lanes), so the committed offset is the lowest one still open; the offsets above it that are
 * already done travel in the commit's metadata ({@link OpenOffsets}), in the same transaction as
 * their results. A node that is assigned the partition reads them back and skips those tasks
 * ({@link #doneBefore}): a clean handover never runs a finished task again.
 *
 * <p>Each assignment of a partition gets a new epoch, so the completion of a task taken under an
 * earlier assignment is recognised and dropped (another node may have run it since).
 *
 * <p>Owned by the task loop thread; not thread-safe.
 */
final class OffsetTracker {

    /** Open tasks one partition may hold, which bounds the commit metadata (Kafka allows 4 KiB). */
    static final int MAX_OPEN_PER_PARTITION = 250;

    private static final class PartitionState {
        final long epoch;
        final OpenOffsets inherited;
        final OpenOffsetList open = new OpenOffsetList();
        long next = -1;
        boolean dirty;
        /** Counts changes (tasks taken and finished), so that a commit can tell whether it still holds the latest state. */
        long version;
        /** What {@link #committable} last offered, at which version. */
        OffsetAndMetadata offered;
        long offeredVersion;

        PartitionState(long epoch, OpenOffsets inherited) {
            this.epoch = epoch;
            this.inherited = inherited;
        }

        /** Where this node's knowledge ends: offsets below it are taken, or known from the previous owner. */
        long frontier() {
            return Math.max(next, inherited.frontier());
        }

        /** Open offsets: this node's, and the previous owner's that this node has not reached yet. */
        java.util.TreeSet<Long> allOpen() {
            return open.with(inherited.open().stream().filter(o -> o >= next).toList());
        }
    }

    private final Map<TopicPartition, PartitionState> owned = new HashMap<>();
    private long epochs;

    /** Starts tracking newly assigned partitions from what their last commits say. */
    void assigned(Collection<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed) {
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            OpenOffsets inherited = c == null ? OpenOffsets.NONE : OpenOffsets.decode(c.offset(), c.metadata());
            owned.put(tp, new PartitionState(++epochs, inherited));
        }
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(owned::remove);
    }

    /** True if an earlier owner of the partition finished and committed the task at {@code offset}. */
    boolean doneBefore(TopicPartition tp, long offset) {
        PartitionState s = owned.get(tp);
        return s != null && s.inherited.done(offset);
    }

    /** Records that a task was taken; returns the epoch to hand back with {@link #finished}, or -1 if not owned. */
    long taken(TopicPartition tp, long offset) {
        PartitionState s = owned.get(tp);
        if (s == null) {
            return -1;
        }
        s.open.add(offset);
        s.next = Math.max(s.next, offset + 1);
        s.version++;
        return s.epoch;
    }

    /** True if the partition is still owned under the same assignment as when the task was taken. */
    boolean current(TopicPartition tp, long epoch) {
        PartitionState s = owned.get(tp);
        return s != null && s.epoch == epoch;
    }

    void finished(TopicPartition tp, long epoch, long offset) {
        PartitionState s = owned.get(tp);
        if (s != null && s.epoch == epoch && s.open.remove(offset)) {
            s.dirty = true;
            s.version++;
        }
    }

    /** Offsets (with the open ones above them as metadata) to commit that changed since the last {@link #markCommitted}. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        owned.forEach((tp, s) -> {
            if (s.dirty && s.frontier() >= 0) {
                s.offered = OpenOffsets.commit(s.frontier(), s.allOpen());
                s.offeredVersion = s.version;
                out.put(tp, s.offered);
            }
        });
        return out;
    }

    /**
     * After {@code offsets} (taken from {@link #committable}) committed. A partition whose tasks
     * finished after that snapshot was taken (while the transaction was in flight) stays dirty, so
     * its newer state is committed next time.
     */
    void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, committed) -> {
            PartitionState s = owned.get(tp);
            if (s == null || s.frontier() < 0) {
                return;
            }
            // Unchanged since it was offered: clean without building the open offsets again (each
            // commit did, for every partition: a few percent of the loop's time, session 6).
            boolean unchanged = committed == s.offered && s.version == s.offeredVersion;
            if (unchanged || committed.equals(OpenOffsets.commit(s.frontier(), s.allOpen()))) {
                s.dirty = false;
            }
        });
    }

    int open() {
        int open = 0;
        for (PartitionState s : owned.values()) {
            open += s.open.size();
        }
        return open;
    }

    int open(TopicPartition tp) {
        PartitionState s = owned.get(tp);
        return s == null ? 0 : s.open.size();
    }
}
