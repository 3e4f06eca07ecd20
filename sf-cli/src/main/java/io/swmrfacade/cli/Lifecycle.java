package io.swmrfacade.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running role waits: until SIGINT or SIGTERM (a JVM shutdown hook), or, when started
 * by {@code sf demo}, until its parent process is gone, so that no role outlives a killed demo.
 */
final class Lifecycle {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Registers {@code onStop} to run once on a signal; it should close the role within its own timeout. */
    Lifecycle(Runnable onStop, long parentPid) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sf-shutdown"));
        this.onStop = onStop;
        if (parentPid > 0) {
            Thread watch = new Thread(() -> {
                ProcessHandle.of(parentPid).ifPresentOrElse(p -> p.onExit().join(), () -> { });
                stop.countDown();
            }, "sf-parent-watch");
            watch.setDaemon(true);
            watch.start();
        }
    }

    private final Runnable onStop;

    /** Blocks until told to stop, then stops the role; returns when it has. */
    void awaitStopThenClose() throws InterruptedException {
        stop.await();
        try {
            onStop.run();
        } finally {
            stopped.countDown();
        }
    }

    /** A role that can end on its own, for example after a fatal error. */
    @FunctionalInterface
    interface Termination {
        void await() throws InterruptedException;
    }

    /** Also stop when {@code role} ends on its own, so the command exits instead of waiting for a signal. */
    Lifecycle endingWith(Termination role) {
        Thread watch = new Thread(() -> {
            try {
                role.await();
            } catch (InterruptedException e) {
                return;
            }
            stop.countDown();
        }, "sf-role-watch");
        watch.setDaemon(true);
        watch.start();
        return this;
    }
}
