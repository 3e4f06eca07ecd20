package io.swmrfacade.writer.internal;

import io.swmrfacade.swmr.SwmrWriter;
import java.nio.file.Path;

/**
 * The latest rows of the file by task id, for {@link AppliedIndex}: at most {@code capacity}, in
 * a ring in the order they were put, found through an open-addressed table of ring slots. Every
 * recorded task is put and every task taken is looked up, on the loop thread; a
 * {@code LinkedHashMap} of location records did the same with three objects a row and was about
 * a seventh of that thread's time (session 6). Putting an id already held updates its row in
 * place, as a map would.
 *
 * <p>Not thread-safe.
 */
final class RecentRows {

    /** Receives the row that leaves the window when a new one comes in. */
    interface Retire {
        void retire(String taskId, SwmrWriter.RowLocation at, long writtenMs);
    }

    /** The most rows a window holds: its table, twice that rounded up to a power of two, must stay an array. */
    static final int MAX_CAPACITY = 1 << 28;

    private final int capacity;
    private final String[] ids;
    private final int[] segments;
    private final Path[] files;
    private final long[] rows;
    private final long[] writtenMs;
    /**
     * At each position, 0 (empty) or the id's hash (high half) and its ring slot + 1 (low half):
     * a probe reads one array and compares ids only on a matching hash. At most half full.
     */
    private final long[] table;
    private final int mask;
    private int oldest;
    private int size;

    RecentRows(int capacity) {
        this.capacity = capacity;
        this.ids = new String[capacity];
        this.segments = new int[capacity];
        this.files = new Path[capacity];
        this.rows = new long[capacity];
        this.writtenMs = new long[capacity];
        int tableSize = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.table = new long[tableSize];
        this.mask = tableSize - 1;
    }

    int size() {
        return size;
    }

    /** Where {@code taskId}'s row is, or null if the window does not hold it. */
    SwmrWriter.RowLocation get(String taskId) {
        int slot = find(taskId, hash(taskId));
        return slot < 0 ? null : new SwmrWriter.RowLocation(segments[slot], files[slot], rows[slot]);
    }

    /** Puts {@code taskId}'s row; when the window is full, the oldest row leaves it, through {@code retire}. */
    void put(SwmrWriter.RowLocation at, String taskId, long written, Retire retire) {
        int h = hash(taskId);
        int slot = find(taskId, h);
        if (slot >= 0) {
            set(slot, taskId, at, written);
            return;
        }
        if (size == capacity) {
            slot = oldest;
            String oldId = ids[slot];
            SwmrWriter.RowLocation oldAt = new SwmrWriter.RowLocation(segments[slot], files[slot], rows[slot]);
            long oldWritten = writtenMs[slot];
            unlink(slot, hash(oldId));
            oldest = (oldest + 1) % capacity;
            size--;
            retire.retire(oldId, oldAt, oldWritten);
        } else {
            slot = (oldest + size) % capacity;
        }
        set(slot, taskId, at, written);
        size++;
        int i = h & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = entry(h, slot);
    }

    private void set(int slot, String taskId, SwmrWriter.RowLocation at, long written) {
        ids[slot] = taskId;
        segments[slot] = at.segment();
        files[slot] = at.file();
        rows[slot] = at.row();
        writtenMs[slot] = written;
    }

    private int find(String taskId, int h) {
        for (int i = h & mask; table[i] != 0; i = (i + 1) & mask) {
            long e = table[i];
            if ((int) (e >>> 32) == h && ids[slotOf(e)].equals(taskId)) {
                return slotOf(e);
            }
        }
        return -1;
    }

    /** Removes ring slot {@code slot} from the table, moving later entries of its probe run back (linear probing has no tombstones). */
    private void unlink(int slot, int h) {
        int i = h & mask;
        long wanted = entry(h, slot);
        while (table[i] != wanted) {
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (hole + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int home = (int) (table[j] >>> 32) & mask;
            // The entry at j may fill the hole if its home is not in (hole, j], cyclically.
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
        ids[slot] = null;
        files[slot] = null;
    }

    private static long entry(int hash, int slot) {
        return ((long) hash << 32) | (slot + 1);
    }

    private static int slotOf(long entry) {
        return (int) entry - 1;
    }

    private static int hash(String id) {
        int h = id.hashCode();
        return h ^ (h >>> 16) ^ (h >>> 7);
    }
}
