package io.swmrfacade.writer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Decides which waiting tasks start now. One lane per task type, each running at most its limit
 * at once (the seed-004 pool: at most 3 pushes while anything else runs freely); tasks over the
 * limit wait in their own lane, higher priority first, so a slow type never holds up another.
 *
 * <p>A task goes waiting → recording (its start is being counted durably, {@link Attempts}) →
 * ready → running. So that the counting round trip overlaps the work, a lane records up to its
 * limit again ahead of its free slots; ready tasks run, in order, as slots free up. Only
 * running tasks count against the limit.
 *
 * <p>Tasks with a routing key keep its order ({@link KeyGate}): one is recorded only after those
 * ahead of it, and runs only after they ended; until then it is parked, holding no slot.
 *
 * <p>A task on its last allowed start ({@link Inflight#runsAlone()}) waits until nothing else is
 * recording, ready or running, and then runs alone; nothing else starts until it ends.
 *
 * <p>Lanes only keep the books; the caller starts what {@link #runnable()} returns.
 * Thread-safe: the loop changes it, Kafka's acknowledgement callback moves recorded tasks on,
 * heartbeats read it.
 */
final class Lanes {

    /**
     * Higher priority first, then arrival order. Written out rather than composed from
     * {@code Comparator.comparingInt(..).thenComparingLong(..)}: every queued task is compared
     * a few times on the loop thread, and the composed form's lambdas were the top frame of its
     * profile (session 6).
     */
    private static final Comparator<Inflight> ORDER = (a, b) -> {
        int pa = a.task().getPriority();
        int pb = b.task().getPriority();
        return pa != pb ? Integer.compare(pb, pa) : Long.compare(a.seq(), b.seq());
    };

    private final ToIntFunction<String> limitFor;
    private final KeyGate keys;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Inflight> alone = new ArrayDeque<>();
    private Inflight runningAlone;
    private String lastType;
    private Lane lastLane;
    private boolean closed;

    private static final class Lane {
        final int limit;
        final TaskQueue waiting = new TaskQueue(ORDER);
        final TaskQueue ready = new TaskQueue(ORDER);
        /** Ready, but a task of the same routing key ahead of them has not ended. */
        final List<Inflight> parked = new ArrayList<>();
        int recording;
        int running;

        Lane(int limit) {
            this.limit = limit;
        }

        int taken() {
            return recording + ready.size() + parked.size() + running;
        }
    }

    Lanes(ToIntFunction<String> limitFor) {
        this(limitFor, new KeyGate());
    }

    /** {@code keys}: the routing-key order that recording and running respect. */
    Lanes(ToIntFunction<String> limitFor, KeyGate keys) {
        this.limitFor = limitFor;
        this.keys = keys;
    }

    synchronized void add(Inflight t) {
        if (t.runsAlone()) {
            alone.add(t);
        } else {
            lane(t).waiting.add(t);
        }
    }

    private Lane lane(Inflight t) {
        String type = t.task().getType();
        // Tasks come in runs of one type, and each is looked up a few times: keep the last lane.
        if (!type.equals(lastType)) {
            lastLane = lanes.computeIfAbsent(type, x -> new Lane(limitFor.applyAsInt(x)));
            lastType = type;
        }
        return lastLane;
    }

    /** The waiting tasks whose starts should be recorded now; they count as recording from here on. */
    synchronized List<Inflight> toRecord() {
        List<Inflight> out = new ArrayList<>();
        if (runningAlone != null || closed) {
            return out;
        }
        Inflight suspect = alone.isEmpty() ? null : alone.stream().filter(keys::mayRun).findFirst().orElse(null);
        if (suspect != null) {
            if (inFlight() == 0) {
                alone.remove(suspect);
                runningAlone = suspect;
                lane(suspect).recording++;
                keys.taken(suspect);
                out.add(suspect);
                return out;
            }
            // Let the others drain first; record only tasks that parked ones of their key wait
            // for (their start records failed once), or the drain would never end.
            for (Lane lane : lanes.values()) {
                List<Inflight> skipped = new ArrayList<>();
                while (!lane.waiting.isEmpty()) {
                    Inflight t = lane.waiting.poll();
                    if (keys.mayRecord(t) && keys.hasTakenBehind(t)) {
                        lane.recording++;
                        keys.taken(t);
                        out.add(t);
                    } else {
                        skipped.add(t);
                    }
                }
                lane.waiting.addAll(skipped);
            }
            return out;
        }
        for (Lane lane : lanes.values()) {
            List<Inflight> blocked = new ArrayList<>();
            while (lane.taken() < 2 * lane.limit && !lane.waiting.isEmpty()) {
                Inflight t = lane.waiting.poll();
                if (!keys.mayRecord(t)) {
                    blocked.add(t); // a task of its key ahead of it is not recorded yet
                    continue;
                }
                lane.recording++;
                keys.taken(t);
                out.add(t);
            }
            lane.waiting.addAll(blocked);
        }
        return out;
    }

    /** Their starts are recorded: they become ready to run. */
    synchronized void recorded(List<Inflight> tasks) {
        for (Inflight t : tasks) {
            Lane lane = lane(t);
            lane.recording--;
            lane.ready.add(t);
        }
    }

    /** Ready tasks that may run now, counted as running from here on; none once {@link #close}d. */
    synchronized List<Inflight> runnable() {
        List<Inflight> out = new ArrayList<>();
        if (closed) {
            return out;
        }
        unpark();
        for (Lane lane : lanes.values()) {
            while (lane.running < lane.limit && !lane.ready.isEmpty()) {
                Inflight t = lane.ready.poll();
                if (!keys.mayRun(t)) {
                    lane.parked.add(t);
                    continue;
                }
                lane.running++;
                out.add(t);
            }
        }
        return out;
    }

    /** Makes parked tasks whose turn has come (the task of their key ahead of them ended) ready again. */
    private void unpark() {
        for (Lane lane : lanes.values()) {
            for (var it = lane.parked.iterator(); it.hasNext(); ) {
                Inflight t = it.next();
                if (keys.mayRun(t)) {
                    it.remove();
                    lane.ready.add(t);
                }
            }
        }
    }

    /** Recording tasks whose starts could not be recorded go back to wait. */
    synchronized void unrecorded(List<Inflight> tasks) {
        for (Inflight t : tasks) {
            lane(t).recording--;
            keys.untaken(t);
            if (t == runningAlone) {
                runningAlone = null;
                alone.addFirst(t);
            } else if (!closed) {
                lane(t).waiting.add(t);
            }
        }
    }

    /** A task {@link #runnable()} returned could not be started: it is ready again. */
    synchronized void unrun(Inflight t) {
        Lane lane = lane(t);
        lane.running--;
        lane.ready.add(t);
    }

    /**
     * Removes and returns the waiting tasks (not yet recording) that {@code stop} accepts: they
     * will not run here (cancelled, or past their deadline).
     */
    synchronized List<Inflight> removeWaiting(java.util.function.Predicate<Inflight> stop) {
        List<Inflight> out = new ArrayList<>();
        for (var it = alone.iterator(); it.hasNext(); ) {
            Inflight t = it.next();
            if (stop.test(t)) {
                it.remove();
                out.add(t);
            }
        }
        for (Lane lane : lanes.values()) {
            if (lane.waiting.isEmpty()) {
                continue;
            }
            List<Inflight> keep = new ArrayList<>(lane.waiting.size());
            for (Inflight t : lane.waiting.all()) {
                (stop.test(t) ? out : keep).add(t);
            }
            if (keep.size() < lane.waiting.size()) {
                lane.waiting.clear();
                lane.waiting.addAll(keep);
            }
        }
        return out;
    }

    /** A recording task that will not run after all (cancelled, or its deadline passed). */
    synchronized void dropped(Inflight t) {
        lane(t).recording--;
        if (t == runningAlone) {
            runningAlone = null;
        }
    }

    /** A running task ended. */
    synchronized void finished(Inflight t) {
        lane(t).running--;
        if (t == runningAlone) {
            runningAlone = null;
        }
    }

    /** Tasks running now, by type (only those with any). */
    synchronized Map<String, Integer> runningByType() {
        Map<String, Integer> out = new HashMap<>();
        lanes.forEach((type, lane) -> {
            if (lane.running > 0) {
                out.put(type, lane.running);
            }
        });
        return out;
    }

    /** Tasks running a handler now. */
    synchronized int running() {
        return lanes.values().stream().mapToInt(l -> l.running).sum();
    }

    /** Tasks recording, ready or running: taken out of waiting and not ended. */
    synchronized int inFlight() {
        return lanes.values().stream().mapToInt(Lane::taken).sum();
    }

    /** Tasks whose starts are being recorded now. */
    synchronized int recording() {
        return lanes.values().stream().mapToInt(l -> l.recording).sum();
    }

    /**
     * For shutdown: nothing more is recorded or run; drops the waiting tasks (they will be handed
     * back to Kafka) and returns how many.
     */
    synchronized int close() {
        closed = true;
        int n = alone.size();
        alone.clear();
        for (Lane lane : lanes.values()) {
            n += lane.waiting.size();
            lane.waiting.clear();
        }
        return n;
    }

    /** Removes and returns the ready tasks: recorded, never run (handed back at shutdown). */
    synchronized List<Inflight> takeReady() {
        List<Inflight> out = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            out.addAll(lane.ready.all());
            out.addAll(lane.parked);
            lane.ready.clear();
            lane.parked.clear();
        }
        if (out.contains(runningAlone)) {
            runningAlone = null;
        }
        return out;
    }
}
