package io.swmrfacade.reader.internal;

/**
 * Lets a report through at most once per interval. A change that arrives inside the interval
 * is not lost: it is reported as soon as the interval has passed, so the last state is always
 * reported.
 *
 * <p>Not thread-safe.
 */
final class ReportThrottle {

    private final long intervalMs;
    private long lastMs;
    private boolean reported;
    private boolean pending;

    ReportThrottle(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** Notes whether something changed and answers whether to report now. */
    boolean due(long nowMs, boolean changed) {
        pending |= changed;
        if (pending && (!reported || nowMs - lastMs >= intervalMs)) {
            reported = true;
            lastMs = nowMs;
            pending = false;
            return true;
        }
        return false;
    }
}
