package io.swmrfacade.writer.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Tasks with the same routing key run one at a time, in arrival order (the appends of one stream
 * stay in order); tasks without a key pass straight through. Loop thread only.
 */
final class KeyGate {

    private final Map<String, ArrayDeque<Inflight>> waiting = new HashMap<>();

    /** True if {@code t} may go on now; otherwise it waits for the task ahead of it with its key. */
    boolean admit(Inflight t) {
        String key = t.task().getRoutingKey();
        if (key.isEmpty()) {
            return true;
        }
        ArrayDeque<Inflight> queue = waiting.get(key);
        if (queue != null) {
            queue.add(t);
            return false;
        }
        waiting.put(key, new ArrayDeque<>());
        return true;
    }

    /** The task {@code done} held up, now free to go on, or null. */
    Inflight release(Inflight done) {
        String key = done.task().getRoutingKey();
        ArrayDeque<Inflight> queue = key.isEmpty() ? null : waiting.get(key);
        if (queue == null) {
            return null;
        }
        Inflight next = queue.poll();
        if (next == null) {
            waiting.remove(key);
        }
        return next;
    }

    /** Forgets every waiting task (handed back at shutdown); returns how many. */
    int clear() {
        int n = waiting.values().stream().mapToInt(ArrayDeque::size).sum();
        waiting.clear();
        return n;
    }
}
