package io.swmrfacade.system;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a benchmark's sends at a fixed rate by parking the thread until each slot comes, never by
 * spinning: on a 2-core machine a spinning pacer takes a whole core from the system it measures.
 * Not thread-safe: one sending thread.
 */
final class Pacer {

    private final long intervalNanos;
    private long next;

    Pacer(int perSecond) {
        this.intervalNanos = 1_000_000_000L / perSecond;
        this.next = System.nanoTime();
    }

    /** Parks until the next slot; a sender that fell behind goes on at once (no burst to catch up beyond the slots missed). */
    void awaitNext() {
        for (long wait; (wait = next - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
        }
        next += intervalNanos;
    }

    /** Parks until {@code done} holds, checking every {@code pollMicros}: for waits on a counter without a callback. */
    static void parkUntil(java.util.function.BooleanSupplier done, long pollMicros) {
        while (!done.getAsBoolean()) {
            LockSupport.parkNanos(pollMicros * 1_000);
        }
    }
}
