package io.swmrfacade.writer.internal;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The open offsets of one partition, ascending, in a plain array: tasks are taken in offset order
 * (appended) and finish in any order (a binary search and a short shift; a partition holds at most
 * {@link OffsetTracker#MAX_OPEN_PER_PARTITION}). Replaced a {@code TreeSet<Long>}, whose boxed
 * nodes and rebalancing were a few percent of the loop thread's time per task (session 6).
 *
 * <p>Not thread-safe.
 */
final class OpenOffsetList {

    private long[] offsets = new long[16];
    private int size;

    /** Adds {@code offset}; false if it was there already. */
    boolean add(long offset) {
        int at = size == 0 || offsets[size - 1] < offset ? size : Arrays.binarySearch(offsets, 0, size, offset);
        if (at >= 0 && at < size) {
            return false;
        }
        int insert = at < 0 ? -at - 1 : at;
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
        }
        System.arraycopy(offsets, insert, offsets, insert + 1, size - insert);
        offsets[insert] = offset;
        size++;
        return true;
    }

    /** Removes {@code offset}; false if it was not there. */
    boolean remove(long offset) {
        int at = Arrays.binarySearch(offsets, 0, size, offset);
        if (at < 0) {
            return false;
        }
        System.arraycopy(offsets, at + 1, offsets, at, size - at - 1);
        size--;
        return true;
    }

    int size() {
        return size;
    }

    /** A sorted copy, with {@code more} added. */
    TreeSet<Long> with(Iterable<Long> more) {
        TreeSet<Long> all = new TreeSet<>();
        for (int i = 0; i < size; i++) {
            all.add(offsets[i]);
        }
        more.forEach(all::add);
        return all;
    }
}
