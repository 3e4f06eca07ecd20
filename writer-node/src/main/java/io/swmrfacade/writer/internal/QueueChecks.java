package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskStatus;
import java.time.Clock;

/**
 * Whether a task that has not started yet must not start: cancelled (CANCELLED) or past its
 * deadline (EXPIRED). Asked when a task is taken in ({@link Intake}), while it waits in its lane
 * ({@link Starts#startBatch}, and {@link WaitingSweep} when a cancel arrives and every
 * {@link #SWEEP_MS} ms), and once more on its worker thread just before its handler runs
 * ({@link TaskRunner}). Each of those answers the task once, and the task leaves the queue there.
 *
 * <p>Thread-safe.
 */
final class QueueChecks {

    /** How often waiting tasks are checked for passed deadlines. */
    static final long SWEEP_MS = 100;

    private final CancelBook cancels;
    private final Clock clock;

    QueueChecks(CancelBook cancels, Clock clock) {
        this.cancels = cancels;
        this.clock = clock;
    }

    /**
     * The outcome of {@code t} if it must not start, else null.
     *
     * @param started whether {@code t} holds a lane slot that its outcome frees (see {@link Outcome})
     */
    Outcome stop(Inflight t, boolean started) {
        long now = EpochMicros.now(clock);
        String cancelled = cancels.reason(t.task());
        if (cancelled != null) {
            return Outcome.withoutRun(t, TaskStatus.CANCELLED, cancelled + " before it started", now, started);
        }
        long deadline = t.task().getDeadlineUs();
        if (deadline > 0 && now > deadline) {
            return Outcome.withoutRun(t, TaskStatus.EXPIRED, "deadline passed " + (now - deadline) / 1000
                    + " ms before a worker could start the task", now, started);
        }
        return null;
    }

    CancelBook cancels() {
        return cancels;
    }
}
