package io.swmrfacade.client.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, and their percentiles. Single-threaded. */
final class Percentiles {

    private final long[] samples;
    private int n;

    Percentiles(int capacity) {
        samples = new long[capacity];
    }

    void add(long nanos) {
        if (n < samples.length) {
            samples[n++] = nanos;
        }
    }

    int count() {
        return n;
    }

    /** "p50 … p99 … p99.9 …" in microseconds. */
    String summary() {
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        return String.format("n=%d p50=%.2f us p99=%.2f us p99.9=%.2f us max=%.2f us", n, at(s, 0.50), at(s, 0.99), at(s, 0.999),
                s[n - 1] / 1000.0);
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1000.0;
    }
}
