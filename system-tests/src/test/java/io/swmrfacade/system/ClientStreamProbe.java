package io.swmrfacade.system;

import io.swmrfacade.client.TaskResult;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/** A subscriber that requests only when told to, and records what it got and on which threads. */
final class ClientStreamProbe implements Flow.Subscriber<TaskResult> {

    private final List<TaskResult> received = new CopyOnWriteArrayList<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile Flow.Subscription subscription;
    private volatile boolean completed;

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        subscribed.countDown();
    }

    @Override
    public void onNext(TaskResult r) {
        threads.add(Thread.currentThread().getName());
        received.add(r);
    }

    @Override
    public void onError(Throwable t) {
        throw new AssertionError("the result stream failed", t);
    }

    @Override
    public void onComplete() {
        completed = true;
    }

    void request(long n) throws InterruptedException {
        subscribed.await();
        subscription.request(n);
    }

    List<TaskResult> received() {
        return received;
    }

    boolean completed() {
        return completed;
    }

    Set<String> deliveryThreads() {
        return threads;
    }
}
