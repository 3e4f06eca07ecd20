package io.swmrfacade.broker.internal;

import java.time.Duration;

/** A point in monotonic time that every step of a bounded operation (start, stop) shares. */
public record Deadline(long nanoTime) {

    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    public Duration remaining() {
        long nanos = nanoTime - System.nanoTime();
        return nanos > 0 ? Duration.ofNanos(nanos) : Duration.ZERO;
    }

    public boolean expired() {
        return remaining().isZero();
    }
}
