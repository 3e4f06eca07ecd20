package io.swmrfacade.writer.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.ToIntFunction;

/**
 * One lane per task type, each running at most its limit of tasks at once on a shared pool (the
 * seed-004 pool: at most 3 pushes while anything else runs freely). Tasks over the limit wait in
 * their own lane's queue, so a slow type never holds up another.
 *
 * <p>Thread-safe.
 */
final class Lanes {

    private final ExecutorService pool;
    private final ToIntFunction<String> limitFor;
    private final Map<String, Lane> lanes = new HashMap<>();

    private static final class Lane {
        final int limit;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        int running;

        Lane(int limit) {
            this.limit = limit;
        }
    }

    Lanes(ExecutorService pool, ToIntFunction<String> limitFor) {
        this.pool = pool;
        this.limitFor = limitFor;
    }

    void submit(String type, Runnable job) {
        Runnable start;
        synchronized (this) {
            Lane lane = lanes.computeIfAbsent(type, t -> new Lane(limitFor.applyAsInt(t)));
            if (lane.running >= lane.limit) {
                lane.waiting.add(job);
                return;
            }
            lane.running++;
            start = job;
        }
        execute(type, start);
    }

    private void execute(String type, Runnable job) {
        pool.execute(() -> {
            try {
                job.run();
            } finally {
                finished(type);
            }
        });
    }

    private void finished(String type) {
        Runnable next;
        synchronized (this) {
            Lane lane = lanes.get(type);
            next = lane.waiting.poll();
            if (next == null) {
                lane.running--;
                return;
            }
        }
        if (!pool.isShutdown()) {
            execute(type, next);
        }
    }

    synchronized Map<String, Integer> runningByType() {
        Map<String, Integer> out = new HashMap<>();
        lanes.forEach((type, lane) -> {
            if (lane.running > 0) {
                out.put(type, lane.running);
            }
        });
        return out;
    }

    synchronized int running() {
        return lanes.values().stream().mapToInt(l -> l.running).sum();
    }

    /** Drops queued tasks that have not started (they will be handed back to Kafka); returns how many. */
    synchronized int dropWaiting() {
        int n = 0;
        for (Lane lane : lanes.values()) {
            n += lane.waiting.size();
            lane.waiting.clear();
        }
        return n;
    }
}
