package io.swmrfacade.writer.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * Starts tasks: asks the {@link Lanes} which may start, answers those cancelled or past their
 * deadline instead ({@link QueueChecks}; {@link WaitingSweep} for those still waiting),
 * records their starts durably ({@link StartRecorder}) and runs them on the worker pool once the
 * records are acknowledged, without the loop waiting. Frees lane slots and routing keys
 * ({@link KeyGate}) when tasks end.
 *
 * <p>The loop thread calls every method; the recorder's acknowledgement callback (another
 * thread) runs ready tasks too, which {@link Lanes} allows. Outcomes go to {@code finished},
 * from worker threads, followed by {@code wake}.
 */
final class Starts {

    private final Logger log;
    private final Clock clock;
    private final Lanes lanes;
    private final KeyGate keys;
    private final StartRecorder recorder;
    private final Executor pool;
    private final Function<Inflight, Outcome> runner;
    private final Function<Inflight, Outcome> inline;
    private final Consumer<Outcome> ranHere;
    private final Consumer<Outcome> finished;
    private final Runnable wake;
    private final BooleanSupplier stopping;
    private final QueueChecks checks;
    private final WaitingSweep sweep;
    /** Batches whose starts could not be recorded: they did not run and wait for another try. */
    private final ConcurrentLinkedQueue<List<Inflight>> unrecorded = new ConcurrentLinkedQueue<>();

    /**
     * @param runner   runs a task to its outcome, on a worker thread
     * @param finished takes each outcome (any thread)
     * @param wake     interrupts the loop's poll after an outcome or a failed record
     * @param stopping true once the node stops: a released key then admits nothing more
     */
    Starts(Lanes lanes, KeyGate keys, StartRecorder recorder, Executor pool, Function<Inflight, Outcome> runner,
           Consumer<Outcome> finished, Runnable wake, BooleanSupplier stopping, QueueChecks checks, Clock clock, LogContext logs) {
        this(lanes, keys, recorder, pool, runner, t -> null, finished, finished, wake, stopping, checks, clock, logs);
    }

    /**
     * @param inline runs a task on the loop thread and returns its outcome, or returns null if
     *               the task must run on the pool ({@link TaskRunner#runInline})
     * @param ranHere  takes the outcomes of tasks that ran on the loop thread
     */
    Starts(Lanes lanes, KeyGate keys, StartRecorder recorder, Executor pool, Function<Inflight, Outcome> runner,
           Function<Inflight, Outcome> inline, Consumer<Outcome> ranHere, Consumer<Outcome> finished, Runnable wake,
           BooleanSupplier stopping, QueueChecks checks, Clock clock, LogContext logs) {
        this.inline = inline;
        this.ranHere = ranHere;
        this.lanes = lanes;
        this.keys = keys;
        this.recorder = recorder;
        this.pool = pool;
        this.runner = runner;
        this.finished = finished;
        this.wake = wake;
        this.stopping = stopping;
        this.checks = checks;
        this.sweep = new WaitingSweep(lanes, checks, this::releaseKey, finished, clock);
        this.clock = clock;
        this.log = logs.logger(Starts.class);
    }

    /**
     * Runs the ready tasks that have slots, and records the starts of the waiting tasks the lanes
     * allow. First starts become ready at once ({@link StartRecorder#recordFirstStarts}); suspects
     * when their records are acknowledged (on the recorder's thread, which also runs them if they
     * have slots), while the loop goes on.
     */
    void startBatch() {
        recorder.tick();
        sweep.sweep();
        runReadyHere();
        List<Inflight> toRecord = lanes.toRecord();
        if (toRecord.isEmpty()) {
            return;
        }
        List<Inflight> run = new ArrayList<>(toRecord.size());
        List<Inflight> first = new ArrayList<>(toRecord.size());
        for (Inflight t : toRecord) {
            Outcome stop = checks.stop(t, false);
            if (stop != null) {
                lanes.dropped(t);
                releaseKey(t);
                finished.accept(stop);
            } else if (t.priorStarts() == 0) {
                first.add(t);
            } else {
                run.add(t);
            }
        }
        if (!first.isEmpty()) {
            if (recorder.recordFirstStarts(first)) {
                // Off the critical path: these run now, their Kafka records follow on their own.
                lanes.recorded(first);
                runReadyHere();
            } else {
                run.addAll(first);
            }
        }
        if (run.isEmpty()) {
            return;
        }
        recorder.recordStarts(run, recorded -> {
            // On the recorder's I/O thread, which swallows exceptions: nothing may escape unhandled.
            try {
                if (recorded) {
                    lanes.recorded(run);
                    runReady();
                } else {
                    unrecorded.add(run);
                    wake.run();
                }
            } catch (RuntimeException | Error e) {
                log.error("starting {} recorded tasks failed: {}", run.size(), e.toString(), e);
                wake.run();
            }
        });
    }

    /** Runs the ready tasks that have a slot. Loop thread or the acknowledgement callback. */
    private void runReady() {
        lanes.runnable().forEach(this::execute);
    }

    /**
     * Loop thread: runs the ready tasks that have a slot, those that may run on this thread at
     * once (their outcomes are recorded at the next turn, which does not wait in its poll).
     */
    private void runReadyHere() {
        for (Inflight t : lanes.runnable()) {
            Outcome done = inline.apply(t);
            if (done != null) {
                ranHere.accept(done);
            } else {
                execute(t);
            }
        }
    }

    /**
     * Runs {@code t} on a worker thread; a task that cannot start because the pool is shut down
     * (the node is stopping) is handed back, and one the pool cannot take for another reason (no
     * thread could be made) goes back to ready and is tried again.
     */
    private void execute(Inflight t) {
        try {
            pool.execute(() -> finish(runner.apply(t)));
        } catch (RejectedExecutionException e) {
            finish(Outcome.handedBack(t));
        } catch (RuntimeException | Error e) {
            log.error("could not start task {} ({}); it waits to be started again", t.id(), e.toString());
            lanes.unrun(t);
            wake.run();
        }
    }

    private void finish(Outcome o) {
        finished.accept(o);
        wake.run();
    }

    /** Loop thread: batches whose starts were not recorded go back to their lanes, uncounted. */
    void retryUnrecorded() {
        List<Inflight> run;
        while ((run = unrecorded.poll()) != null) {
            recorder.unrecorded(run);
            lanes.unrecorded(run);
        }
    }

    /** Frees the lane slots and routing keys of tasks that ended. Loop thread only. */
    void release(List<Inflight> ended) {
        recorder.ended(ended);
        for (Inflight t : ended) {
            lanes.finished(t);
            releaseKey(t);
        }
    }

    private void releaseKey(Inflight t) {
        Inflight next = keys.release(t);
        if (next != null && !stopping.getAsBoolean()) {
            lanes.add(next);
        }
    }
}
