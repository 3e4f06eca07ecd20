package io.swmrfacade.client.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The facade's meters on the user's registry: tasks submitted, results by status, the time from
 * {@code submit} to the result (a histogram), and tasks buffered (submitted, not yet confirmed by
 * the broker). Counters and the timer are shared by every facade on the registry; the buffered
 * gauge is the first open facade's.
 *
 * <p>Thread-safe. Results are recorded on the thread that completes the task's future (the
 * result reader), which costs it a timer update.
 */
final class MicrometerFacadeMetrics implements FacadeMetrics {

    private final MeterRegistry registry;
    private final Counter submitted;
    private final Map<TaskStatus, Counter> results = new EnumMap<>(TaskStatus.class);
    private final Timer submitToResult;
    private final Gauge buffered;

    MicrometerFacadeMetrics(Object registry, IntSupplier buffered) {
        this.registry = (MeterRegistry) registry;
        this.submitted = Counter.builder("sf.client.submitted").description("Tasks accepted by submit").register(this.registry);
        for (TaskStatus s : TaskStatus.values()) {
            results.put(s, Counter.builder("sf.client.results").tag("status", s.name())
                    .description("Results by status, one per task").register(this.registry));
        }
        this.submitToResult = Timer.builder("sf.client.submit.to.result").description("From submit to the task's result")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(this.registry);
        this.buffered = Gauge.builder("sf.client.buffered", buffered, IntSupplier::getAsInt)
                .description("Tasks submitted but not yet confirmed by the broker").strongReference(true).register(this.registry);
    }

    @Override
    public void submitted(CompletableFuture<TaskResult> result, long submittedNanos) {
        submitted.increment();
        result.whenComplete((r, e) -> {
            if (r != null) {
                results.get(r.status()).increment();
                submitToResult.record(System.nanoTime() - submittedNanos, TimeUnit.NANOSECONDS);
            }
        });
    }

    @Override
    public void close() {
        registry.remove(buffered);
    }
}
