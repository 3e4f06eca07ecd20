package io.swmrfacade.writer.internal;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * A node's start-up with the broker: registering its transactional ids and preparing the topics
 * ({@link TaskLoopBuilder}) run side by side, on their own threads, while the loop joins its group;
 * the first assignment waits for both ({@link #awaitReady}), so that no task is taken before its
 * start can be recorded and its result sent. Measures each phase and logs them once, at the first
 * assignment that gives the node partitions.
 *
 * <p>Thread-safe.
 */
final class NodeStartup {

    /** How long the first assignment waits for registration and the topic, beyond their own timeouts. */
    private static final long READY_TIMEOUT_MS = 120_000;

    private final Logger log;
    private final long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final long startCalledMs;
    private final long fileOpenedMs;
    private final long builtMs;
    private volatile long registeredMs = -1;
    private volatile long topicReadyMs = -1;
    private volatile long subscribedMs = -1;
    private volatile boolean reported;
    private CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);

    /** Wall-clock times (ms) the node was asked to start, its file was open and the node built. */
    NodeStartup(long startCalledMs, long fileOpenedMs, long builtMs, Logger log) {
        this.startCalledMs = startCalledMs;
        this.fileOpenedMs = fileOpenedMs;
        this.builtMs = builtMs;
        this.log = log;
    }

    /** Starts {@code register} and {@code prepareTopics}, each on its own daemon thread; returns at once. */
    synchronized void begin(Runnable register, Runnable prepareTopics) {
        CompletableFuture<Void> r = CompletableFuture.runAsync(() -> {
            register.run();
            registeredMs = System.currentTimeMillis();
        }, thread("sf-start-transactions"));
        CompletableFuture<Void> t = CompletableFuture.runAsync(() -> {
            prepareTopics.run();
            topicReadyMs = System.currentTimeMillis();
        }, thread("sf-start-topics"));
        ready = CompletableFuture.allOf(r, t);
    }

    void subscribed() {
        subscribedMs = System.currentTimeMillis();
    }

    /**
     * Waits until registration and the topic are done.
     *
     * @throws RuntimeException what either failed with, as it was thrown
     */
    void awaitReady() {
        try {
            ready.get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            throw new io.swmrfacade.writer.WriterNodeException("registering transactions and preparing the topics took over "
                    + READY_TIMEOUT_MS / 1000 + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.swmrfacade.writer.WriterNodeException("interrupted while starting", e);
        }
    }

    /** Throws what registration or the topic check failed with, if either has; does not wait. */
    void throwIfFailed() {
        if (ready.isCompletedExceptionally()) {
            awaitReady();
        }
    }

    /** Logs the phases once, when the node first holds partitions. */
    void assigned(int partitions) {
        if (reported || partitions == 0) {
            return;
        }
        reported = true;
        long now = System.currentTimeMillis();
        log.info("taking tasks {} ms after the JVM started, {} ms after the node was started; since the JVM started:"
                        + " start called at {} ms, file open at {} ms, node built at {} ms, subscribed at {} ms,"
                        + " transactions registered at {} ms, topics ready at {} ms, first partitions at {} ms",
                now - jvmStartMs, now - startCalledMs, since(startCalledMs), since(fileOpenedMs), since(builtMs),
                since(subscribedMs), since(registeredMs), since(topicReadyMs), now - jvmStartMs);
    }

    private long since(long ms) {
        return ms < 0 ? -1 : ms - jvmStartMs;
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException e) {
            return e;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new io.swmrfacade.writer.WriterNodeException("start-up failed: " + cause, cause);
    }

    private static Executor thread(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        };
    }
}
