package io.swmrfacade.monitor.internal;

import io.swmrfacade.proto.v1.Heartbeat;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The recent heartbeats of each writer node: the latest one (address, last flush) and enough
 * history to turn the cumulative tasks-done counter into a rate.
 *
 * <p>Thread-safe.
 */
public final class HeartbeatLog {

    /** Heartbeats this far behind a node's latest are dropped; the rate spans what is left. */
    static final long WINDOW_US = 5_000_000L;

    private final Map<String, Deque<Heartbeat>> byWorker = new HashMap<>();

    public synchronized void add(Heartbeat hb) {
        Deque<Heartbeat> recent = byWorker.computeIfAbsent(hb.getWorkerId(), k -> new ArrayDeque<>());
        Heartbeat last = recent.peekLast();
        if (last != null && (hb.getTasksDone() < last.getTasksDone() || hb.getPid() != last.getPid())) {
            recent.clear(); // a restarted node counts from zero again
        }
        recent.addLast(hb);
        while (recent.size() > 1 && hb.getAtUs() - recent.peekFirst().getAtUs() > WINDOW_US) {
            recent.removeFirst();
        }
    }

    /** The node's latest heartbeat, or null if none has been seen. */
    public synchronized Heartbeat latest(String workerId) {
        Deque<Heartbeat> recent = byWorker.get(workerId);
        return recent == null ? null : recent.peekLast();
    }

    /** Tasks finished per second between the oldest and newest heartbeat in the window; 0 with fewer than two. */
    public synchronized double tasksPerSecond(String workerId) {
        Deque<Heartbeat> recent = byWorker.get(workerId);
        if (recent == null || recent.size() < 2) {
            return 0;
        }
        Heartbeat first = recent.peekFirst();
        Heartbeat last = recent.peekLast();
        long spanUs = last.getAtUs() - first.getAtUs();
        return spanUs <= 0 ? 0 : (last.getTasksDone() - first.getTasksDone()) * 1e6 / spanUs;
    }
}
