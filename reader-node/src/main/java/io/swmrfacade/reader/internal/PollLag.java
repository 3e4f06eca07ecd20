package io.swmrfacade.reader.internal;

import java.util.Arrays;

/**
 * How late the follow loop's polls start: each poll's start minus the previous poll's start
 * minus the poll interval, in microseconds, the latest {@value #KEPT} of them. The follow thread
 * records without locking or allocating; a reader takes a copy that may mix in a value being
 * written, which is harmless for a benchmark's percentiles.
 */
public final class PollLag {

    static final int KEPT = 1 << 14;

    private final long[] micros = new long[KEPT];
    private volatile long count;

    void record(long lagMicros) {
        long c = count;
        micros[(int) (c & (KEPT - 1))] = lagMicros;
        count = c + 1;
    }

    /** Polls recorded since the loop started. */
    public long count() {
        return count;
    }

    /** A copy of the lags recorded after poll number {@code since} (at most {@value #KEPT}), unsorted. */
    public long[] since(long since) {
        long c = count;
        long from = Math.max(since, c - KEPT);
        long[] out = new long[(int) Math.max(0, c - from)];
        for (long i = from; i < c; i++) {
            out[(int) (i - from)] = micros[(int) (i & (KEPT - 1))];
        }
        return out;
    }

    /** The {@code q} quantile (0..1) of {@code lags}, sorted in place; 0 for none. */
    public static long quantile(long[] lags, double q) {
        if (lags.length == 0) {
            return 0;
        }
        Arrays.sort(lags);
        return lags[(int) Math.min(lags.length - 1, Math.floor(q * lags.length))];
    }
}
