package io.swmrfacade.writer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.ToIntFunction;

/**
 * Decides which waiting tasks start now. One lane per task type, each running at most its limit
 * at once (the seed-004 pool: at most 3 pushes while anything else runs freely); tasks over the
 * limit wait in their own lane, higher priority first, so a slow type never holds up another.
 *
 * <p>A task on its last allowed start ({@link Inflight#runsAlone()}) waits until nothing else runs
 * and then runs alone; nothing else starts until it ends.
 *
 * <p>Lanes only keep the books; the task loop starts what {@link #startable()} returns.
 * Thread-safe: the loop changes it, heartbeats read it.
 */
final class Lanes {

    private static final Comparator<Inflight> ORDER =
            Comparator.comparingInt((Inflight t) -> -t.task().getPriority()).thenComparingLong(Inflight::seq);

    private final ToIntFunction<String> limitFor;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Inflight> alone = new ArrayDeque<>();
    private Inflight runningAlone;

    private static final class Lane {
        final int limit;
        final PriorityQueue<Inflight> waiting = new PriorityQueue<>(ORDER);
        int running;

        Lane(int limit) {
            this.limit = limit;
        }
    }

    Lanes(ToIntFunction<String> limitFor) {
        this.limitFor = limitFor;
    }

    synchronized void add(Inflight t) {
        if (t.runsAlone()) {
            alone.add(t);
        } else {
            lane(t).waiting.add(t);
        }
    }

    private Lane lane(Inflight t) {
        return lanes.computeIfAbsent(t.task().getType(), type -> new Lane(limitFor.applyAsInt(type)));
    }

    /** The tasks that may start now, counted as running from here on. */
    synchronized List<Inflight> startable() {
        List<Inflight> out = new ArrayList<>();
        if (runningAlone != null) {
            return out;
        }
        if (!alone.isEmpty()) {
            if (running() == 0) {
                runningAlone = alone.poll();
                lane(runningAlone).running++;
                out.add(runningAlone);
            }
            return out; // let the running tasks drain first
        }
        for (Lane lane : lanes.values()) {
            while (lane.running < lane.limit && !lane.waiting.isEmpty()) {
                lane.running++;
                out.add(lane.waiting.poll());
            }
        }
        return out;
    }

    /** Puts tasks that could not be started back to wait. */
    synchronized void unstart(List<Inflight> tasks) {
        for (Inflight t : tasks) {
            lane(t).running--;
            if (t == runningAlone) {
                runningAlone = null;
                alone.addFirst(t);
            } else {
                lane(t).waiting.add(t);
            }
        }
    }

    synchronized void finished(Inflight t) {
        lane(t).running--;
        if (t == runningAlone) {
            runningAlone = null;
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

    /** Drops waiting tasks that have not started (they will be handed back to Kafka); returns how many. */
    synchronized int dropWaiting() {
        int n = alone.size();
        alone.clear();
        for (Lane lane : lanes.values()) {
            n += lane.waiting.size();
            lane.waiting.clear();
        }
        return n;
    }
}
