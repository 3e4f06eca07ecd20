package io.swmrfacade.writer.internal;

/**
 * A set of longs in one array (open addressing, linear probing): 8 to 16 bytes an element, where
 * a {@code HashSet<Long>} takes about 50. Not thread-safe.
 */
final class LongSet {

    private long[] slots = new long[16];
    private int size;
    /** 0 marks a free slot, so the element 0 is kept apart. */
    private boolean hasZero;

    void add(long value) {
        if (value == 0) {
            if (!hasZero) {
                hasZero = true;
                size++;
            }
            return;
        }
        if ((size + 1) * 2L > slots.length) {
            grow();
        }
        if (insert(slots, value)) {
            size++;
        }
    }

    boolean contains(long value) {
        if (value == 0) {
            return hasZero;
        }
        int mask = slots.length - 1;
        for (int i = slot(value, mask); ; i = (i + 1) & mask) {
            if (slots[i] == value) {
                return true;
            }
            if (slots[i] == 0) {
                return false;
            }
        }
    }

    int size() {
        return size;
    }

    private static boolean insert(long[] table, long v) {
        int mask = table.length - 1;
        for (int i = slot(v, mask); ; i = (i + 1) & mask) {
            if (table[i] == v) {
                return false;
            }
            if (table[i] == 0) {
                table[i] = v;
                return true;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long v : slots) {
            if (v != 0) {
                insert(bigger, v);
            }
        }
        slots = bigger;
    }

    private static int slot(long v, int mask) {
        return (int) (v ^ (v >>> 32)) & mask;
    }
}
