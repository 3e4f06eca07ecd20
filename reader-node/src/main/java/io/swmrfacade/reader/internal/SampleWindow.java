package io.swmrfacade.reader.internal;

import java.util.Arrays;

/**
 * The latest samples of one stream, up to a fixed capacity, in a ring: the follow thread appends
 * what each poll read, HTTP threads copy the current window out. The window is always
 * contiguous: when samples are skipped (more arrived in one poll than fit), it starts over.
 *
 * <p>Thread-safe; each call holds the lock for one array copy at most.
 */
final class SampleWindow {

    /** The samples of the window, oldest first, and the absolute index of the first. */
    record Slice(long first, double[] samples) {
    }

    private final double[] ring;
    private long end;      // absolute index after the newest sample
    private int size;

    SampleWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window capacity must be at least 1, not " + capacity);
        }
        this.ring = new double[capacity];
    }

    int capacity() {
        return ring.length;
    }

    /** Appends {@code samples}, the first of which has absolute index {@code first}. */
    synchronized void append(long first, double[] samples) {
        if (first != end) {
            size = 0;
        }
        int skip = Math.max(0, samples.length - ring.length);
        for (int i = skip; i < samples.length; i++) {
            ring[(int) ((first + i) % ring.length)] = samples[i];
        }
        end = first + samples.length;
        size = (int) Math.min(ring.length, size + (long) samples.length);
    }

    /** The absolute index after the newest sample: where the next append should start. */
    synchronized long end() {
        return end;
    }

    /** A copy of the latest {@code at most n} samples. */
    synchronized Slice latest(int n) {
        int k = Math.min(n, size);
        double[] out = new double[k];
        long first = end - k;
        int start = (int) (first % ring.length);
        int head = Math.min(k, ring.length - start);
        System.arraycopy(ring, start, out, 0, head);
        System.arraycopy(ring, 0, out, head, k - head);
        return new Slice(first, out);
    }

    @Override
    public synchronized String toString() {
        return "SampleWindow[" + size + "/" + ring.length + " ending at " + end + ": "
                + Arrays.toString(latest(Math.min(size, 4)).samples()) + "...]";
    }
}
