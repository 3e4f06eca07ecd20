package io.swmrfacade.client.internal;

import io.swmrfacade.client.TaskResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * What a facade reports to its user's meter registry, if it was given one. The facade talks to
 * this interface only, so Micrometer stays an optional dependency: without a registry nothing of
 * Micrometer is loaded.
 */
interface FacadeMetrics {

    FacadeMetrics NONE = new FacadeMetrics() {
        @Override
        public void submitted(CompletableFuture<TaskResult> result, long submittedNanos) {
        }

        @Override
        public void close() {
        }
    };

    /** Builds the metrics for {@code registry} (a Micrometer {@code MeterRegistry}), or {@link #NONE} for null. */
    static FacadeMetrics of(Object registry, IntSupplier buffered) {
        return registry == null ? NONE : new MicrometerFacadeMetrics(registry, buffered);
    }

    /** A task was accepted at {@code submittedNanos} ({@link System#nanoTime()}); {@code result} completes with its result. */
    void submitted(CompletableFuture<TaskResult> result, long submittedNanos);

    /** The facade closed: its gauges leave the registry; counters and timers stay. */
    void close();
}
