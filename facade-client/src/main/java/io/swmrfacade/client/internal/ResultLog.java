package io.swmrfacade.client.internal;

import io.swmrfacade.client.TaskResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session's results in arrival order, as a {@link Flow.Publisher}. Each subscriber has a
 * cursor into this append-only log and its own demand, so backpressure costs no buffer beyond the
 * results the ledger keeps anyway, and nothing is ever dropped.
 *
 * <p>Threads: {@link #append} (the result thread) only adds a reference and schedules delivery;
 * it never runs a subscriber's code and never waits for one. Each subscriber is called on a
 * delivery thread of this log, one signal at a time; a slow subscriber delays only itself.
 */
final class ResultLog implements Flow.Publisher<TaskResult> {

    private final List<TaskResult> items = new ArrayList<>();
    private final List<Cursor> cursors = new CopyOnWriteArrayList<>();
    private final Executor delivery;
    private volatile boolean closed;

    ResultLog(String threadName) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.delivery = pool;
    }

    /** Adds a result and wakes the subscribers. Never blocks on them. */
    void append(TaskResult r) {
        synchronized (items) {
            items.add(r);
        }
        cursors.forEach(Cursor::signal);
    }

    /** No more results will come: each subscriber completes once it has taken the ones that did. */
    void close() {
        closed = true;
        cursors.forEach(Cursor::signal);
    }

    private TaskResult get(int index) {
        synchronized (items) {
            return index < items.size() ? items.get(index) : null;
        }
    }

    @Override
    public void subscribe(Flow.Subscriber<? super TaskResult> subscriber) {
        Cursor c = new Cursor(subscriber);
        cursors.add(c);
        c.signal();
    }

    /** One subscriber's position and demand; its drain loop runs on one delivery thread at a time. */
    private final class Cursor implements Flow.Subscription {
        private final Flow.Subscriber<? super TaskResult> subscriber;
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean done;
        private volatile Throwable badRequest;
        private boolean subscribed;
        private int next;

        Cursor(Flow.Subscriber<? super TaskResult> subscriber) {
            this.subscriber = subscriber;
        }

        void signal() {
            if (wip.getAndIncrement() == 0) {
                try {
                    delivery.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    drain();
                }
            }
        }

        private void drain() {
            int missed = 1;
            do {
                if (!subscribed) {
                    subscribed = true;
                    subscriber.onSubscribe(this);
                }
                emit();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void emit() {
            while (!done) {
                if (badRequest != null) {
                    finish();
                    subscriber.onError(badRequest);
                    return;
                }
                TaskResult r = demand.get() > 0 ? get(next) : null;
                if (r == null) {
                    break;
                }
                next++;
                if (demand.get() != Long.MAX_VALUE) {
                    demand.decrementAndGet();
                }
                try {
                    subscriber.onNext(r);
                } catch (RuntimeException e) {
                    // Rule 2.13: a subscriber that throws is cancelled; the log goes on for the others.
                    finish();
                    return;
                }
            }
            if (!done && closed && get(next) == null) {
                finish();
                subscriber.onComplete();
            }
        }

        private void finish() {
            done = true;
            cursors.remove(this);
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams rule 3.9)");
            } else {
                demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            signal();
        }

        @Override
        public void cancel() {
            finish();
        }
    }
}
