package io.swmrfacade.writer.internal;

import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which tasks this node's file holds, by task id: the file, not Kafka, is the record of what was
 * applied. A task that arrives again (a replay after a crash between the file flush and the Kafka
 * commit, or a client that resent it) is answered from the file and never run or stored twice.
 *
 * <p>Memory stays bounded as the file grows. The most recent {@code window} rows are kept by task
 * id with their location only (the row itself is read back from the file on a hit). Older rows
 * are summed up in at most {@link #MAX_BLOCKS} blocks of consecutive rows, each with the range of
 * the times its task ids carry: task ids are UUIDv7 (the protocol's {@code task_id}), whose first
 * 48 bits are the submission time in milliseconds. An id newer than every row that left the
 * window (every new task, unless its client's clock is far behind) is known to be absent without
 * reading the file; an older one is looked for in the task-id column of the blocks whose range
 * holds its time. Ids that are not UUIDv7 carry no time, and a UUIDv7 whose time lies more than
 * {@link #CLOCK_AHEAD_MS} after its row was written is not trusted with one (a single id from the
 * far future would otherwise make every new task look old): a 64-bit fingerprint of each such id
 * that left the window is kept (8 bytes a row, so memory grows with such rows only), and the
 * blocks that hold them are read on a fingerprint match. Ids of the latest rows that left the
 * window (2,097,152 of them, in 4 MB) are also in Bloom filters ({@link RetiredFilters}), so a
 * task older than a retired one, common in a deep backlog, is known to be new without reading
 * the file unless a filter matches by chance (about 1 in 2,000 a filter).
 *
 * <p>Owned by the task loop thread; not thread-safe.
 */
final class AppliedIndex {

    /** At most this many summaries of older rows; above, neighbours merge (and blocks double). */
    static final int MAX_BLOCKS = 1024;
    private static final long FIRST_BLOCK_ROWS = 4096;
    /** Rows of ids in each Bloom filter over the rows that left the window, and how many filters are kept. */
    static final int FILTER_ROWS = 65_536;
    static final int FILTERS = 32;
    /** How far ahead of the writer's a client's clock may run and its ids still count by their time. */
    static final long CLOCK_AHEAD_MS = 60_000;

    record Applied(SwmrWriter.RowLocation location, TaskRow row) {
    }

    /** Consecutive rows of one segment that left the window. */
    private static final class Block {
        final int segment;
        final Path file;
        final long first;
        long count;
        long minMs = Long.MAX_VALUE;
        long maxMs = Long.MIN_VALUE;
        boolean others;

        Block(int segment, Path file, long first) {
            this.segment = segment;
            this.file = file;
            this.first = first;
        }

        boolean mayHold(long ms) {
            return ms >= minMs && ms <= maxMs;
        }

        boolean continuedBy(Block next) {
            return next.segment == segment && next.first == first + count;
        }

        void absorb(Block next) {
            count += next.count;
            minMs = Math.min(minMs, next.minMs);
            maxMs = Math.max(maxMs, next.maxMs);
            others |= next.others;
        }
    }

    private final SwmrWriter file;
    private final RecentRows recent;
    private final RecentRows.Retire retireRow = this::retire;
    private final List<Block> blocks = new ArrayList<>();
    private final LongSet otherFingerprints = new LongSet();
    private final RetiredFilters retired;
    private long blockRows = FIRST_BLOCK_ROWS;
    /** The latest time carried by a UUIDv7 task id that left the window. */
    private long newestOlderMs = Long.MIN_VALUE;
    private long rows;
    private long blockReads;

    AppliedIndex(SwmrWriter file, int window) {
        this(file, window, new RetiredFilters(FILTER_ROWS, FILTERS));
    }

    AppliedIndex(SwmrWriter file, int window, RetiredFilters retired) {
        if (window < 1 || window > RecentRows.MAX_CAPACITY) {
            throw new IllegalArgumentException("window must be 1 to " + RecentRows.MAX_CAPACITY + " rows, not " + window);
        }
        this.file = file;
        this.recent = new RecentRows(window);
        this.retired = retired;
    }

    /** Indexes every row the file holds; reads them in file order, keeping only the window and the summaries. */
    static AppliedIndex load(SwmrWriter writer, int window) {
        return load(writer, window, new RetiredFilters(FILTER_ROWS, FILTERS));
    }

    static AppliedIndex load(SwmrWriter writer, int window, RetiredFilters retired) {
        AppliedIndex index = new AppliedIndex(writer, window, retired);
        writer.scanRows((location, row) -> index.put(location, row.taskId(), row.finishedUs() / 1000));
        return index;
    }

    /** The stored row of {@code taskId} and where it is, or null if the file does not hold it. */
    Applied get(String taskId) {
        SwmrWriter.RowLocation at = recent.get(taskId);
        if (at == null) {
            at = findOlder(taskId);
        }
        return at == null ? null : new Applied(at, file.readRow(at));
    }

    /**
     * Notes that the row at {@code location} (staged or stored), written at {@code writtenMs} by the
     * writer's clock (the row's finish time), holds {@code taskId}.
     */
    void put(SwmrWriter.RowLocation location, String taskId, long writtenMs) {
        recent.put(location, taskId, writtenMs, retireRow);
        rows++;
    }

    /** Rows the file holds. */
    long size() {
        return rows;
    }

    /** Rows kept by task id: at most the window. */
    int windowSize() {
        return recent.size();
    }

    /** How many times a block's task ids were read from the file so far. */
    long blockReads() {
        return blockReads;
    }

    /** Summaries of the rows older than the window: at most {@link #MAX_BLOCKS}, unless segments keep them apart. */
    int blockCount() {
        return blocks.size();
    }

    /** Fingerprints kept for ids without a trusted time (not UUIDv7, or from the far future) that left the window. */
    int otherIdCount() {
        return otherFingerprints.size();
    }

    private void retire(String taskId, SwmrWriter.RowLocation at, long writtenMs) {
        Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
        if (last == null || last.segment != at.segment() || last.first + last.count != at.row() || last.count >= blockRows) {
            last = new Block(at.segment(), at.file(), at.row());
            blocks.add(last);
        }
        last.count++;
        long ms = TaskIdTime.millis(taskId);
        // A row without a write time (none is written so) gives no ground to doubt its id's time.
        if (ms >= 0 && (writtenMs <= 0 || ms <= writtenMs + CLOCK_AHEAD_MS)) {
            last.minMs = Math.min(last.minMs, ms);
            last.maxMs = Math.max(last.maxMs, ms);
            newestOlderMs = Math.max(newestOlderMs, ms);
            retired.add(TaskIdTime.fingerprint(taskId), ms);
        } else {
            last.others = true;
            otherFingerprints.add(TaskIdTime.fingerprint(taskId));
        }
        if (blocks.size() > MAX_BLOCKS) {
            merge();
        }
    }

    /** Doubles the block size and merges neighbours of the same segment. */
    private void merge() {
        blockRows *= 2;
        List<Block> merged = new ArrayList<>();
        for (Block b : blocks) {
            Block prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && prev.continuedBy(b) && prev.count + b.count <= blockRows) {
                prev.absorb(b);
            } else {
                merged.add(b);
            }
        }
        blocks.clear();
        blocks.addAll(merged);
    }

    private SwmrWriter.RowLocation findOlder(String taskId) {
        long ms = TaskIdTime.millis(taskId);
        boolean byTime = ms >= 0 && ms <= newestOlderMs;
        if (!byTime && otherFingerprints.size() == 0) {
            return null; // most new tasks end here, without reading the file
        }
        long fingerprint = TaskIdTime.fingerprint(taskId);
        byTime = byTime && retired.mayHold(fingerprint, ms); // a backlog's new tasks end here
        boolean untimed = otherFingerprints.size() > 0 && otherFingerprints.contains(fingerprint);
        if (!byTime && !untimed) {
            return null;
        }
        for (int i = blocks.size() - 1; i >= 0; i--) {
            Block b = blocks.get(i);
            if ((byTime && b.mayHold(ms)) || (untimed && b.others)) {
                blockReads++;
                long row = file.findTaskId(b.segment, b.first, b.count, taskId);
                if (row >= 0) {
                    return new SwmrWriter.RowLocation(b.segment, b.file, row);
                }
            }
        }
        return null;
    }
}
