package io.swmrfacade.writer.internal;

import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.writer.WriterNodeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * The writer node's one loop thread. It owns the consumer, the transactions and the file, and
 * only turns: each turn polls, lets {@link Intake} take what came, has {@link Publishing} record,
 * flush and send what finished, frees the slots of what ended and lets {@link Starts} start
 * more, then paces the commit and the fetching. Handlers run on worker threads and hand their
 * outcomes back through {@link Publishing#finished}. {@link TaskLoopBuilder} wires the parts.
 *
 * <p>A crash after the flush and before the commit replays those tasks: the {@link AppliedIndex}
 * recognises them and their results are published again from the file, in a new transaction,
 * so the file and the committed results topic hold each task once (a reader of uncommitted
 * results may see a result twice, the same row both times, and keeps the first).
 *
 * <p>{@link #stop}, {@link #failure} and the counters are thread-safe; the rest runs on the loop thread.
 */
public final class TaskLoop implements Runnable {

    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(2);
    private static final Duration HANDBACK_WAIT = Duration.ofSeconds(2);
    /** Tasks of a routing key that run on this thread one after another in a turn, under one flush ({@link #chain}). */
    static final int CHAIN = 16;

    /** What a loop turns, wired by {@link TaskLoopBuilder}. */
    record Parts(Logger log, KafkaClients kafka, String tasksTopic, int maxInflight, Duration shutdownTimeout,
                 Runnable prepareTopics, NodeStartup startup, PollWakeup wakeup, Intake intake, Starts starts, Publishing publishing,
                 Rebalance rebalance, Lanes lanes, KeyGate keys, OffsetTracker offsets, Attempts attempts,
                 Transactions txns, ExecutorService pool, ExecutorService timers, SwmrWriter file,
                 AtomicBoolean stopping, AutoCloseable cancels) {
    }

    private final Parts p;
    private final Logger log;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private volatile Throwable failure;
    private long turns;

    TaskLoop(Parts parts) {
        this.p = parts;
        this.log = parts.log();
        this.consumer = parts.kafka().consumer();
    }

    @Override
    public void run() {
        try {
            // Registering the transactions and preparing the topics take broker round
            // trips: run them while the consumer joins its group. The first assignment waits for them.
            p.startup().begin(() -> p.txns().init(p.stopping()::get), p.prepareTopics());
            consumer.subscribe(List.of(p.tasksTopic()), p.rebalance());
            p.startup().subscribed();
            while (!p.stopping().get()) {
                p.startup().throwIfFailed();
                boolean busy = p.lanes().inFlight() > 0 || p.publishing().busy();
                turn(busy ? BUSY_POLL : IDLE_POLL, true);
            }
            drainForShutdown();
        } catch (ProducerFencedException e) {
            failure = e;
            log.error("this node's transactions were fenced (its successor ended them while it was out of reach,"
                    + " or another node with this id took them over); the loop stops");
        } catch (InvalidSessionTimeoutException e) {
            failure = new WriterNodeException(p.kafka().sessionTimeoutRefused());
            log.error("{}", failure.getMessage());
        } catch (CommitOutcomeUnknownException e) {
            failure = e;
            log.error("{}; the loop stops", e.getMessage());
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("task loop failed: {}", e.toString(), e);
        } finally {
            if (failure != null) {
                p.rebalance().retire();
            }
            closeParts();
        }
    }

    private void turn(Duration pollTimeout, boolean startTasks) {
        turns++;
        p.intake().take(poll(p.publishing().hasFinished() ? Duration.ZERO : pollTimeout));
        p.publishing().drainCommit();
        p.starts().retryUnrecorded();
        List<Inflight> ended = p.publishing().recordFinished();
        // Flush what finished, and send its results, before its slots start more: if a new task
        // kills the node, the restarted node answers the finished ones from the file instead of
        // running them (and counting them) again. The one exception is the chain below.
        p.publishing().sendStaged();
        p.starts().release(ended);
        if (startTasks) {
            p.starts().startBatch();
            chain();
        }
        p.publishing().maybeCommit();
        FetchControl.apply(consumer, p.offsets(), p.intake().backlogged(), p.maxInflight(), p.stopping().get());
    }

    /**
     * The appends of one stream run in order, one at a time: without this, each took a turn of
     * its own (poll, record, flush, send, start the next), paying a flush and a send per append.
     * Here the next task of a key starts as soon as the one ahead of it is written to the file,
     * up to {@link #CHAIN} in a turn, and the next turn flushes and sends them all. Only first
     * starts that ran on this thread chain ({@link Publishing#recordChained}); a suspect, or any
     * task on a worker thread, is still flushed before its slot and key start more.
     */
    private void chain() {
        for (int i = 1; i < CHAIN; i++) {
            List<Inflight> ran = p.publishing().recordChained();
            if (ran.isEmpty()) {
                return;
            }
            p.starts().release(ran);
            p.starts().startBatch();
        }
    }

    private ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        p.wakeup().polling();
        try {
            return consumer.poll(timeout);
        } catch (WakeupException e) {
            return ConsumerRecords.empty();
        } finally {
            p.wakeup().notPolling();
        }
    }

    /** Stop fetching and starting; let running tasks finish within the shutdown timeout; hand back the rest. */
    private void drainForShutdown() {
        consumer.pause(consumer.assignment());
        int dropped = p.lanes().close() + p.keys().clear();
        long deadline = System.nanoTime() + p.shutdownTimeout().toNanos();
        while ((p.lanes().running() > 0 || p.lanes().recording() > 0) && System.nanoTime() < deadline) {
            turn(BUSY_POLL, false);
        }
        int interrupted = p.lanes().running();
        if (interrupted > 0) {
            p.pool().shutdownNow();
            long waitUntil = System.nanoTime() + HANDBACK_WAIT.toNanos();
            while (p.lanes().running() > 0 && System.nanoTime() < waitUntil) {
                turn(BUSY_POLL, false);
            }
            log.warn("{} tasks still running at shutdown were interrupted and handed back", interrupted);
        }
        p.starts().release(p.publishing().recordFinished());
        p.publishing().apply(p.publishing().commitAllNow());
        List<Inflight> neverRun = p.lanes().takeReady();
        List<Inflight> handedBack = p.publishing().handedBack();
        handedBack.addAll(neverRun);
        p.attempts().takeBack(handedBack);
        log.info("stopped after {} tasks in {} turns; {} queued tasks handed back", tasksDone(), turns, dropped + neverRun.size());
    }

    private void closeParts() {
        p.txns().close();
        p.pool().shutdownNow();
        p.timers().shutdownNow();
        try {
            p.file().close();
        } catch (RuntimeException e) {
            log.error("closing {} failed: {}", p.file().currentFile(), e.toString());
        }
        p.attempts().close();
        try {
            p.cancels().close();
        } catch (Exception e) {
            log.warn("closing the cancels reader failed: {}", e.toString());
        }
        p.kafka().close();
    }

    /** Asks the loop to stop; returns at once. */
    public void stop() {
        p.stopping().set(true);
        consumer.wakeup();
    }

    /** Why the loop stopped on its own, or null. */
    public Throwable failure() {
        return failure;
    }

    public long tasksDone() {
        return p.publishing().tasksDone();
    }

    public java.util.Map<String, Integer> runningByType() {
        return p.lanes().runningByType();
    }

    public int running() {
        return p.lanes().running();
    }
}
