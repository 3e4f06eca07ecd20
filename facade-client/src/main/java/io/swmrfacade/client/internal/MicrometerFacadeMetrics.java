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
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The facade's meters on the user's registry: tasks submitted, results by status, the time from
 * {@code submit} to the result (a histogram), and tasks buffered (submitted, not yet confirmed by
 * the broker). Every facade on one registry shares them: the counters and the timer add up, and
 * the buffered gauge is the sum over the registry's open facades (0 once all are closed).
 *
 * <p>Thread-safe. Results are recorded on the thread that completes the task's future (the
 * result reader), which costs it a timer update.
 */
final class MicrometerFacadeMetrics implements FacadeMetrics {

    /** The open facades' buffer sizes, per registry; the registry's one gauge sums them. */
    private static final Map<MeterRegistry, Set<IntSupplier>> BUFFERED = new WeakHashMap<>();

    private final Set<IntSupplier> open;
    private final IntSupplier buffered;
    private final Counter submitted;
    private final Map<TaskStatus, Counter> results = new EnumMap<>(TaskStatus.class);
    private final Timer submitToResult;

    MicrometerFacadeMetrics(Object registry, IntSupplier buffered) {
        MeterRegistry r = (MeterRegistry) registry;
        this.buffered = buffered;
        synchronized (BUFFERED) {
            this.open = BUFFERED.computeIfAbsent(r, k -> ConcurrentHashMap.newKeySet());
        }
        open.add(buffered);
        // The gauge holds the set strongly, the set the open facades; close() takes a facade out.
        Gauge.builder("sf.client.buffered", open, s -> s.stream().mapToInt(IntSupplier::getAsInt).sum())
                .description("Tasks submitted but not yet confirmed by the broker, over the open facades")
                .strongReference(true).register(r);
        this.submitted = Counter.builder("sf.client.submitted").description("Tasks accepted by submit").register(r);
        for (TaskStatus s : TaskStatus.values()) {
            results.put(s, Counter.builder("sf.client.results").tag("status", s.name())
                    .description("Results by status, one per task").register(r));
        }
        this.submitToResult = Timer.builder("sf.client.submit.to.result").description("From submit to the task's result")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(r);
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
        open.remove(buffered);
    }
}
