package io.swmrfacade.writer.internal;

import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Answers the tasks waiting in their lanes that were cancelled or passed their deadline
 * ({@link QueueChecks}), so that a task behind a long queue learns it at once instead of when a
 * slot frees up: after each new cancel, and every {@link QueueChecks#SWEEP_MS} ms for deadlines.
 *
 * <p>Loop thread only ({@link Starts#startBatch}); not thread-safe.
 */
final class WaitingSweep {

    private final Lanes lanes;
    private final QueueChecks checks;
    private final Consumer<Inflight> releaseKey;
    private final Consumer<Outcome> finished;
    private final Clock clock;
    private long sweptGeneration;
    private long sweptAtMs;

    /**
     * @param releaseKey frees the routing key of a task that leaves the queue (the next of its key may come in)
     * @param finished   takes the outcome of each task answered
     */
    WaitingSweep(Lanes lanes, QueueChecks checks, Consumer<Inflight> releaseKey, Consumer<Outcome> finished, Clock clock) {
        this.lanes = lanes;
        this.checks = checks;
        this.releaseKey = releaseKey;
        this.finished = finished;
        this.clock = clock;
    }

    void sweep() {
        long generation = checks.cancels().generation();
        long nowMs = clock.millis();
        if (generation == sweptGeneration && nowMs - sweptAtMs < QueueChecks.SWEEP_MS) {
            return;
        }
        sweptGeneration = generation;
        sweptAtMs = nowMs;
        Map<Inflight, Outcome> stops = new IdentityHashMap<>();
        for (Inflight t : lanes.removeWaiting(t -> {
            Outcome stop = checks.stop(t, false);
            if (stop != null) {
                stops.put(t, stop);
            }
            return stop != null;
        })) {
            releaseKey.accept(t);
            finished.accept(stops.get(t));
        }
    }
}
