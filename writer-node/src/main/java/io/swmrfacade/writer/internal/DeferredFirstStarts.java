package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The first starts whose attempts records wait ({@link Attempts}): counted in the start journal,
 * their records are due only if their tasks are still unanswered {@link #DELAY} to twice that
 * after they started, or when the node gives up their partitions. Two generations: starts since
 * the last tick, and those before it, which are due at the next tick.
 *
 * <p>Loop thread only; not thread-safe.
 */
final class DeferredFirstStarts {

    /** How long a first start may go without its record on Kafka while its task is unanswered. */
    static final Duration DELAY = Duration.ofMillis(20);

    private final LongSupplier nanoTime;
    /** Started since the last tick ... */
    private Map<String, Inflight> young = new HashMap<>();
    /** ... and before it: due at the next tick if their tasks are still unanswered. */
    private Map<String, Inflight> old = new HashMap<>();
    private long lastTickNanos;

    DeferredFirstStarts(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastTickNanos = nanoTime.getAsLong();
    }

    void add(List<Inflight> tasks) {
        for (Inflight t : tasks) {
            young.put(t.id(), t);
        }
    }

    /**
     * The starts due now (deferred at the previous tick, at least {@link #DELAY} ago, tasks still
     * unanswered), removed; empty until that delay has passed since the last tick.
     */
    List<Inflight> due() {
        long now = nanoTime.getAsLong();
        if (now - lastTickNanos < DELAY.toNanos()) {
            return List.of();
        }
        lastTickNanos = now;
        List<Inflight> due = old.isEmpty() ? List.of() : new ArrayList<>(old.values());
        old.clear();
        Map<String, Inflight> swap = young;
        young = old;
        old = swap;
        return due;
    }

    /** The tasks ran to an outcome: their records are not needed. */
    void ended(List<Inflight> tasks) {
        if (young.isEmpty() && old.isEmpty()) {
            return;
        }
        for (Inflight t : tasks) {
            if (young.remove(t.id()) == null) {
                old.remove(t.id());
            }
        }
    }

    /** The starts of tasks on the given task partitions, removed: due now, as the node gives those partitions up. */
    List<Inflight> takeOn(Set<Integer> partitions) {
        List<Inflight> out = new ArrayList<>();
        for (Map<String, Inflight> pending : List.of(old, young)) {
            for (var it = pending.values().iterator(); it.hasNext(); ) {
                Inflight t = it.next();
                if (partitions.contains(t.tp().partition())) {
                    out.add(t);
                    it.remove();
                }
            }
        }
        return out;
    }
}
