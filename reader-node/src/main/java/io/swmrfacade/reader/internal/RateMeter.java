package io.swmrfacade.reader.internal;

import java.util.ArrayDeque;

/**
 * Rows per second over a sliding window, from a running total sampled at each poll. Keeps about
 * ten points per window, so memory stays constant however fast the caller polls.
 *
 * <p>Not thread-safe.
 */
final class RateMeter {

    private final long windowMs;
    private final ArrayDeque<long[]> points = new ArrayDeque<>();

    RateMeter(long windowMs) {
        this.windowMs = windowMs;
    }

    void record(long nowMs, long total) {
        long[] last = points.peekLast();
        if (last == null || nowMs - last[0] >= windowMs / 10) {
            points.addLast(new long[] {nowMs, total});
        }
        while (points.size() > 1 && nowMs - points.peekFirst()[0] > windowMs) {
            points.removeFirst();
        }
    }

    /** The rate from the oldest point in the window to {@code total} now; 0 before two points exist. */
    double perSecond(long nowMs, long total) {
        long[] first = points.peekFirst();
        if (first == null || nowMs <= first[0]) {
            return 0;
        }
        return (total - first[1]) * 1000.0 / (nowMs - first[0]);
    }
}
