package io.swmrfacade.client.internal;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tasks of a session and their results. The first result for a task wins; a second one (a
 * redelivery after a crash) is dropped, so the user sees each result once.
 *
 * <p>Thread-safe. Futures are completed outside the lock.
 */
public final class SessionLedger {

    private static final class Entry {
        final TaskId id;
        long sequence;
        String type;
        final CompletableFuture<TaskResult> future = new CompletableFuture<>();
        TaskResult result;

        Entry(TaskId id, long sequence, String type) {
            this.id = id;
            this.sequence = sequence;
            this.type = type;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeMap<TaskId, Entry> tasks = new TreeMap<>();
    private boolean caughtUp;
    private long duplicates;
    private int withoutResult;

    public SessionLedger(boolean caughtUp) {
        this.caughtUp = caughtUp;
    }

    /** A task submitted (or found in the session's journal); returns its future. */
    public CompletableFuture<TaskResult> register(TaskId id, long sequence, String type) {
        lock.lock();
        try {
            Entry e = tasks.get(id);
            if (e == null) {
                e = new Entry(id, sequence, type);
                tasks.put(id, e);
                withoutResult++;
            } else if (e.sequence == 0) {
                e.sequence = sequence;
                e.type = type;
            }
            changed.signalAll();
            return e.future;
        } finally {
            lock.unlock();
        }
    }

    /** Records a result; returns false if the task already had one. */
    public boolean complete(TaskResult result) {
        Entry e;
        lock.lock();
        try {
            e = tasks.get(result.id());
            if (e == null) {
                e = new Entry(result.id(), result.sequence(), result.type());
                tasks.put(result.id(), e);
            } else if (e.result != null) {
                duplicates++;
                return false;
            } else {
                withoutResult--;
            }
            e.result = result;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        e.future.complete(result);
        return true;
    }

    /** The session's journal has been read to its end: every task submitted before is known. */
    public void caughtUp() {
        lock.lock();
        try {
            caughtUp = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} for every task to have a result; never longer. */
    public CollectResult collect(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        lock.lock();
        try {
            while (!(caughtUp && withoutResult == 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            List<TaskResult> results = new ArrayList<>();
            List<TaskId> missing = new ArrayList<>();
            for (Entry e : tasks.values()) {
                if (e.result != null) {
                    results.add(e.result);
                } else {
                    missing.add(e.id);
                }
            }
            return new CollectResult(results, missing);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }

    public long duplicatesDropped() {
        lock.lock();
        try {
            return duplicates;
        } finally {
            lock.unlock();
        }
    }
}
