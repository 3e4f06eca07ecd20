package io.swmrfacade.writer.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Interrupts the loop's consumer poll when work arrives from another thread, at most once per
 * poll: the first caller clears the flag, the rest find it clear. Inside a rebalance listener
 * the loop clears it ({@link #notPolling}) so that a wake-up cannot make the listener's own
 * consumer calls throw. Thread-safe.
 */
final class PollWakeup {

    private final Consumer<?, ?> consumer;
    private final AtomicBoolean polling = new AtomicBoolean();

    PollWakeup(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** Loop thread, before its poll. */
    void polling() {
        polling.set(true);
    }

    /** Loop thread, after its poll and on entering a rebalance listener. */
    void notPolling() {
        polling.set(false);
    }

    /** Any thread: wakes the poll in progress, if any. */
    void wake() {
        if (polling.get() && polling.compareAndSet(true, false)) {
            consumer.wakeup();
        }
    }
}
