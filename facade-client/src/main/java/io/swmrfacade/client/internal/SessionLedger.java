package io.swmrfacade.client.internal;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.FacadeException;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The tasks of a session and their results, sorted by task id (submission order). Each task's
 * future is its one slot: the first result completes it and a second one (a redelivery after a
 * crash) finds it completed and is dropped, so the user sees each result once.
 *
 * <p>Thread-safe. {@link #register} and {@link #complete} take no lock (a skip list and an atomic
 * counter), so a {@link #collect} walking a million tasks never holds up a submitter; the lock
 * only lets collect sleep until the last result arrives. (A hash map of the waiting tasks beside
 * the skip list was tried for the result thread's lookup: measured, it cost the submitter more
 * than it saved, since ids are time-ordered and a new one is put at the skip list's warm end.)
 */
public final class SessionLedger {

    private final ConcurrentSkipListMap<TaskId, CompletableFuture<TaskResult>> tasks = new ConcurrentSkipListMap<>();
    private final AtomicInteger withoutResult = new AtomicInteger();
    private final AtomicLong duplicates = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Consumer<TaskResult> onFirstResult;
    private volatile boolean caughtUp;
    /** Why the results cannot be read, once the broker refused them for good; null until then. */
    private volatile String denied;

    /**
     * @param caughtUp      false while a resumed session has yet to read its journal
     * @param onFirstResult told of each task's first result, on the completing thread, after its future
     */
    public SessionLedger(boolean caughtUp, Consumer<TaskResult> onFirstResult) {
        this.caughtUp = caughtUp;
        this.onFirstResult = onFirstResult;
    }

    /** A task submitted (or found in the session's journal); returns its future. Lock-free. */
    public CompletableFuture<TaskResult> register(TaskId id) {
        CompletableFuture<TaskResult> fresh = new CompletableFuture<>();
        withoutResult.incrementAndGet(); // before the task is visible, so the count never dips below the truth
        CompletableFuture<TaskResult> known = tasks.putIfAbsent(id, fresh);
        if (known != null) {
            if (withoutResult.decrementAndGet() == 0) {
                signal(); // a result that came meanwhile took the count to 1, not 0, and did not wake collect
            }
            return known;
        }
        return fresh;
    }

    /**
     * Records a result; returns false, and drops it, if the task already had one. A result for a
     * task not registered (its journal entry was lost, or not read yet) registers it.
     */
    public boolean complete(TaskResult result) {
        return complete(result.id(), registered -> result);
    }

    /**
     * Records the result {@code resultFor} makes for the task {@code read} names, as
     * {@link #complete(TaskResult)} does. It is given the id the task was registered with, when it
     * was, rather than {@code read}, an equal one read off the wire: the session keeps every result,
     * and an id of its own was 96 of a kept echo result's 280 bytes. One lookup finds both.
     */
    public boolean complete(TaskId read, Function<TaskId, TaskResult> resultFor) {
        Map.Entry<TaskId, CompletableFuture<TaskResult>> known = tasks.ceilingEntry(read);
        if (known != null && known.getKey().equals(read)) {
            return complete(known.getValue(), resultFor.apply(known.getKey()));
        }
        TaskResult result = resultFor.apply(read);
        CompletableFuture<TaskResult> raced = tasks.putIfAbsent(read, CompletableFuture.completedFuture(result));
        if (raced == null) {
            announce(result, false);
            return true;
        }
        return complete(raced, result);
    }

    private boolean complete(CompletableFuture<TaskResult> f, TaskResult result) {
        if (!f.complete(result)) {
            duplicates.incrementAndGet();
            return false;
        }
        announce(result, withoutResult.decrementAndGet() == 0);
        return true;
    }

    /** Tells the stream; wakes a waiting collect only when its wait may be over, not at every result. */
    private void announce(TaskResult result, boolean lastWaiting) {
        onFirstResult.accept(result);
        if (lastWaiting) {
            signal();
        }
    }

    /** The session's journal has been read to its end: every task submitted before is known. */
    public void caughtUp() {
        caughtUp = true;
        signal();
    }

    /**
     * The results cannot be read at all (the broker refused this client's login or its right to
     * read them): every later {@link #collect} throws at once with {@code reason}.
     */
    public void denied(String reason) {
        denied = reason;
        signal();
    }

    private void signal() {
        lock.lock();
        try {
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
            while (!(caughtUp && withoutResult.get() == 0) && denied == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } finally {
            lock.unlock();
        }
        if (denied != null) {
            throw new FacadeException(denied);
        }
        List<TaskResult> results = new ArrayList<>();
        List<TaskId> missing = new ArrayList<>();
        for (Map.Entry<TaskId, CompletableFuture<TaskResult>> e : tasks.entrySet()) {
            TaskResult r = e.getValue().getNow(null);
            if (r != null) {
                results.add(r);
            } else {
                missing.add(e.getKey());
            }
        }
        return new CollectResult(results, missing, caughtUp);
    }

    public int size() {
        return tasks.size();
    }

    public int withoutResult() {
        return withoutResult.get();
    }

    public long duplicatesDropped() {
        return duplicates.get();
    }
}
