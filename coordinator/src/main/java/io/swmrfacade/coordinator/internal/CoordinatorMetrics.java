package io.swmrfacade.coordinator.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swmrfacade.coordinator.Summary;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The coordinator's meters: tasks by state as the event stream shows them, workers alive and
 * dead, dead letters seen, and how far its own consumer is behind the topics it follows.
 *
 * <p>Thread-safe. Gauges read a summary at most once a second however many of them a scrape
 * reads, so that one scrape shows one instant.
 */
public final class CoordinatorMetrics {

    /** Every state a task can be in, so that each series exists (at 0) from the start. */
    static final List<String> STATES = List.of("SUBMITTED", "RUNNING", "OK", "FAILED", "REJECTED", "WORKER_CRASHED",
            "EXPIRED", "CANCELLED");

    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final Supplier<Summary> source;
    private final AtomicLong lag = new AtomicLong();
    private Summary last;
    private long lastAt;

    public CoordinatorMetrics(MeterRegistry registry, Supplier<Summary> source) {
        this.source = source;
        for (String state : STATES) {
            Gauge.builder("sf.coordinator.tasks", this, m -> m.summary().byState().getOrDefault(state, 0L))
                    .tag("state", state).description("Tasks by state, as the coordinator has seen them on the topics")
                    .strongReference(true).register(registry);
        }
        Gauge.builder("sf.coordinator.workers", this, m -> m.summary().workersAlive()).tag("alive", "true")
                .description("Writer nodes by heartbeat").strongReference(true).register(registry);
        Gauge.builder("sf.coordinator.workers", this, m -> m.summary().workersDead()).tag("alive", "false")
                .description("Writer nodes by heartbeat").strongReference(true).register(registry);
        Gauge.builder("sf.coordinator.dead.letters", this, m -> m.summary().deadLetters())
                .description("Records on the dead-letter topic").strongReference(true).register(registry);
        Gauge.builder("sf.coordinator.consumer.lag", lag, AtomicLong::get).baseUnit("records")
                .description("Records on the events, results, heartbeats and dead-letter topics the coordinator has not read yet")
                .strongReference(true).register(registry);
    }

    /** Called by the coordinator's thread after each poll. */
    public void consumerLag(long records) {
        lag.set(records);
    }

    private synchronized Summary summary() {
        long now = System.nanoTime();
        if (last == null || now - lastAt > MAX_AGE_NANOS) {
            last = source.get();
            lastAt = now;
        }
        return last;
    }
}
