package io.swmrfacade.writer.internal;

import java.util.ArrayDeque;

/**
 * Which task ids may be among the rows that most recently left the applied index's window: a
 * ring of Bloom filters, each over {@code rowsPerFilter} consecutive retired rows and knowing the
 * range of times their ids carry, the newest {@code filters} of them kept (so memory is fixed:
 * {@code filters × rowsPerFilter × 2} bytes). A filter never misses an id it was given; it
 * wrongly answers "maybe" for about 1 in 2,000 others (16 bits a row, 11 probes).
 *
 * <p>Why: task ids carry their submission time, so a new task is usually known to be absent
 * because its id is newer than every row that left the window. A deep backlog breaks that: its
 * partitions are taken unevenly and a thousand tasks share each millisecond, so a task taken now
 * is often older than one retired a moment ago, and each such task used to read a whole block of
 * the file's task ids (2,700 tasks/s instead of 60,000 at a backlog of 500,000). The ring answers
 * those from memory; only ids older than the whole ring ({@link #newestBeyondMs}) still need the
 * blocks' time ranges and the file.
 *
 * <p>Owned by the task loop thread; not thread-safe.
 */
final class RetiredFilters {

    private static final int BITS_PER_ROW = 16;
    private static final int PROBES = 11;

    private static final class Filter {
        final long[] words;
        final long bitMask;
        int rows;
        long minMs = Long.MAX_VALUE;
        long maxMs = Long.MIN_VALUE;

        Filter(int rows) {
            int bits = Integer.highestOneBit(Math.max(64, rows * BITS_PER_ROW - 1)) << 1;
            words = new long[bits / 64];
            bitMask = bits - 1;
        }

        void add(long fingerprint, long ms) {
            long h = fingerprint;
            long step = (fingerprint >>> 32) | 1;
            for (int i = 0; i < PROBES; i++, h += step) {
                long bit = h & bitMask;
                words[(int) (bit >>> 6)] |= 1L << bit;
            }
            rows++;
            minMs = Math.min(minMs, ms);
            maxMs = Math.max(maxMs, ms);
        }

        boolean mayHold(long fingerprint, long ms) {
            if (ms < minMs || ms > maxMs) {
                return false;
            }
            long h = fingerprint;
            long step = (fingerprint >>> 32) | 1;
            for (int i = 0; i < PROBES; i++, h += step) {
                long bit = h & bitMask;
                if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private final int rowsPerFilter;
    private final int filters;
    private final ArrayDeque<Filter> ring = new ArrayDeque<>();
    private long newestBeyondMs = Long.MIN_VALUE;

    RetiredFilters(int rowsPerFilter, int filters) {
        if (rowsPerFilter < 1 || filters < 1) {
            throw new IllegalArgumentException("rows per filter and filters must be at least 1, not " + rowsPerFilter + " and " + filters);
        }
        this.rowsPerFilter = rowsPerFilter;
        this.filters = filters;
    }

    /** Notes a retired row's id, by its fingerprint and the time it carries. */
    void add(long fingerprint, long ms) {
        Filter last = ring.peekLast();
        if (last == null || last.rows >= rowsPerFilter) {
            last = new Filter(rowsPerFilter);
            ring.addLast(last);
            if (ring.size() > filters) {
                newestBeyondMs = Math.max(newestBeyondMs, ring.removeFirst().maxMs);
            }
        }
        last.add(fingerprint, ms);
    }

    /**
     * False only if no retired row has this id: it is not in the ring, and the ring covers every
     * retired row whose id carries {@code ms} (nothing that left the ring carried a time that late).
     */
    boolean mayHold(long fingerprint, long ms) {
        if (ms <= newestBeyondMs) {
            return true;
        }
        for (Filter f : ring) {
            if (f.mayHold(fingerprint, ms)) {
                return true;
            }
        }
        return false;
    }

    /** The latest time carried by an id that left the ring; rows up to it are known only by the file. */
    long newestBeyondMs() {
        return newestBeyondMs;
    }
}
