package io.swmrfacade.writer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Tasks waiting in a lane, taken smallest first by {@code order}. Tasks mostly come in that order
 * (one priority, arrival order): those go to the tail of a plain queue, in constant time; only
 * one that would go ahead of the tail (a higher priority, or an older task coming back) goes to
 * a heap, and {@link #poll} takes the smaller of the two heads. Replaced a heap for all, whose
 * sifting was the top frame of the loop thread's profile (session 6).
 *
 * <p>Not thread-safe ({@link Lanes} holds its lock).
 */
final class TaskQueue {

    private final Comparator<Inflight> order;
    private final ArrayDeque<Inflight> inOrder = new ArrayDeque<>();
    private final PriorityQueue<Inflight> others;

    TaskQueue(Comparator<Inflight> order) {
        this.order = order;
        this.others = new PriorityQueue<>(order);
    }

    void add(Inflight t) {
        Inflight tail = inOrder.peekLast();
        if (tail == null || order.compare(tail, t) <= 0) {
            inOrder.addLast(t);
        } else {
            others.add(t);
        }
    }

    void addAll(Collection<Inflight> tasks) {
        tasks.forEach(this::add);
    }

    /** The smallest task, removed, or null if none. */
    Inflight poll() {
        Inflight a = inOrder.peekFirst();
        Inflight b = others.peek();
        if (b == null) {
            return inOrder.pollFirst();
        }
        if (a == null || order.compare(b, a) < 0) {
            return others.poll();
        }
        return inOrder.pollFirst();
    }

    boolean isEmpty() {
        return inOrder.isEmpty() && others.isEmpty();
    }

    int size() {
        return inOrder.size() + others.size();
    }

    void clear() {
        inOrder.clear();
        others.clear();
    }

    /** Every task, in no particular order. */
    List<Inflight> all() {
        List<Inflight> all = new ArrayList<>(size());
        all.addAll(inOrder);
        all.addAll(others);
        return all;
    }
}
