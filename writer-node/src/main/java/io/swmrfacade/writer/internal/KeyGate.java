package io.swmrfacade.writer.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Tasks with the same routing key run one at a time, in arrival order (the appends of one stream
 * stay in order); tasks without a key pass straight through.
 *
 * <p>Up to {@link #AHEAD} tasks of a key are <em>admitted</em> to the lanes at once, so that their
 * starts are recorded while the task ahead of them runs; the rest wait here. An admitted task may
 * be recorded only once every admitted task ahead of it is recorded ({@link #mayRecord}), and may
 * run only once it is the oldest admitted task of its key ({@link #mayRun}), that is once all
 * tasks ahead of it ended ({@link #release}).
 *
 * <p>Thread-safe: the loop admits and releases; {@link Lanes} asks, under its own lock, from the
 * loop and from Kafka's acknowledgement callback.
 */
final class KeyGate {

    /** Tasks of one key in the lanes at once. */
    static final int AHEAD = 8;

    private static final class Key {
        /** Admitted and not ended, oldest first. */
        final ArrayDeque<Inflight> admitted = new ArrayDeque<>();
        /** Of those, the ones taken out of waiting (recording or later). */
        final java.util.Set<Inflight> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        final ArrayDeque<Inflight> queued = new ArrayDeque<>();
    }

    private final Map<String, Key> keys = new HashMap<>();

    /** True if {@code t} may go to the lanes now; otherwise it waits for a task of its key to end. */
    synchronized boolean admit(Inflight t) {
        String key = t.task().getRoutingKey();
        if (key.isEmpty()) {
            return true;
        }
        Key k = keys.computeIfAbsent(key, x -> new Key());
        if (k.admitted.size() < AHEAD && k.queued.isEmpty()) {
            k.admitted.add(t);
            return true;
        }
        k.queued.add(t);
        return false;
    }

    /** True if every admitted task ahead of {@code t} is recorded or further along. */
    synchronized boolean mayRecord(Inflight t) {
        Key k = keyOf(t);
        if (k == null) {
            return true;
        }
        for (Inflight ahead : k.admitted) {
            if (ahead == t) {
                return true;
            }
            if (!k.taken.contains(ahead)) {
                return false;
            }
        }
        return true;
    }

    /** True if a task admitted after {@code t}, of its key, is recorded or further along: it waits for {@code t}. */
    synchronized boolean hasTakenBehind(Inflight t) {
        Key k = keyOf(t);
        if (k == null) {
            return false;
        }
        boolean behind = false;
        for (Inflight other : k.admitted) {
            if (behind && k.taken.contains(other)) {
                return true;
            }
            behind |= other == t;
        }
        return false;
    }

    /** True if {@code t} is the oldest admitted task of its key (or has none). */
    synchronized boolean mayRun(Inflight t) {
        Key k = keyOf(t);
        return k == null || k.admitted.peekFirst() == t;
    }

    /** {@code t} left waiting: its start is being recorded. */
    synchronized void taken(Inflight t) {
        Key k = keyOf(t);
        if (k != null) {
            k.taken.add(t);
        }
    }

    /** {@code t}'s start could not be recorded: it waits again. */
    synchronized void untaken(Inflight t) {
        Key k = keyOf(t);
        if (k != null) {
            k.taken.remove(t);
        }
    }

    /** {@code done} ended (or will never run here); returns the task of its key now admitted in its place, or null. */
    synchronized Inflight release(Inflight done) {
        String key = done.task().getRoutingKey();
        Key k = key.isEmpty() ? null : keys.get(key);
        if (k == null) {
            return null;
        }
        k.admitted.remove(done);
        k.taken.remove(done);
        Inflight next = k.queued.poll();
        if (next != null) {
            k.admitted.add(next);
        } else if (k.admitted.isEmpty()) {
            keys.remove(key);
        }
        return next;
    }

    /** Forgets every queued task (handed back at shutdown); returns how many. */
    synchronized int clear() {
        int n = keys.values().stream().mapToInt(k -> k.queued.size()).sum();
        keys.values().forEach(k -> k.queued.clear());
        return n;
    }

    private Key keyOf(Inflight t) {
        String key = t.task().getRoutingKey();
        return key.isEmpty() ? null : keys.get(key);
    }
}
