package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.writer.CancelSignal;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.TaskRejectedException;
import io.swmrfacade.writer.WriterConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one started task on a worker thread: the handler under its type's time limit, and again
 * after a backoff while it fails and the task asked for retries. A REJECTED task is never retried;
 * an interrupt that is not the time limit (a shutdown) hands the task back unrecorded.
 *
 * <p>A task cancelled or past its deadline just before it would run is answered without running
 * ({@link QueueChecks}). While it runs, its {@link RunSignal} is raised by a cancel or at its
 * deadline, which interrupts an interruptible handler: the task ends CANCELLED or EXPIRED, with
 * no retry. A handler that returns normally all the same keeps its result.
 *
 * <p>Thread-safe: one instance serves every worker thread.
 */
final class TaskRunner {

    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    static final int MAX_RETRIES = 100;

    private final WriterConfig config;
    private final HandlerRegistry handlers;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final QueueChecks checks;

    TaskRunner(WriterConfig config, HandlerRegistry handlers, ScheduledExecutorService timers, QueueChecks checks, Clock clock) {
        this.config = config;
        this.checks = checks;
        this.handlers = handlers;
        this.timers = timers;
        this.clock = clock;
    }

    private record Run(TaskStatus status, byte[] output, TaskOutput result) {
    }

    /**
     * Runs {@code t} on the calling thread, the loop, if its handler {@linkplain TaskHandler#runsOnLoop()
     * runs on the loop} (for built-ins, {@linkplain RunsOnLoopFor for this payload}, read in place)
     * and the task asks for no retries, and returns its outcome; else returns
     * null, and {@code t} must go to a worker thread. Such a handler returns within microseconds,
     * so the task gets no time limit and no deadline timer, and nothing interrupts it (a cancel
     * must never interrupt the loop thread): a cancel or a deadline is checked just before it runs.
     */
    Outcome runInline(Inflight t) {
        TaskRequest task = t.task();
        TaskHandler handler = handlers.get(task.getType());
        boolean onLoop = handler instanceof RunsOnLoopFor some ? some.runsOnLoop(task.getPayload())
                : handler != null && handler.runsOnLoop();
        if (!onLoop || task.getRetries() > 0) {
            return null;
        }
        Outcome stop = checks.stop(t, true);
        if (stop != null) {
            return stop;
        }
        long started = micros();
        int attempt = t.priorStarts() + 1;
        Run run;
        try {
            TaskOutput out = handler instanceof RunsOnLoopFor some ? some.runOnLoop(task.getPayload())
                    : handler.run(new TaskInput(task.getTaskId(), task.getSessionId(), task.getType(),
                    task.getPayload().toByteArray(), attempt, deadline(task), CancelSignal.NEVER));
            run = out == null ? returnedNull(handler) : new Run(TaskStatus.OK, out.output(), out);
        } catch (TaskRejectedException e) {
            run = new Run(TaskStatus.REJECTED, utf8(e.getMessage()), null);
        } catch (Exception | LinkageError | AssertionError e) {
            run = failed(e);
        }
        return new Outcome(t, run.status, run.output, run.result, started, micros(), attempt, true);
    }

    /** Runs {@code t} to its final outcome; a retry's backoff keeps the task's concurrency slot. */
    Outcome run(Inflight t) {
        Outcome stop = checks.stop(t, true);
        if (stop != null) {
            return stop;
        }
        TaskRequest task = t.task();
        TaskHandler handler = handlers.get(task.getType());
        RunSignal signal = checks.cancels().register(task, handler == null || handler.interruptible());
        long started = micros();
        ScheduledFuture<?> deadline = scheduleDeadline(task, signal, started);
        try {
            int retries = Math.min(MAX_RETRIES, Math.max(0, task.getRetries()));
            int attempt = t.priorStarts() + 1;
            for (int retry = 0; ; retry++, attempt++) {
                Run run = runOnce(t, attempt, signal);
                if (run == null) {
                    return Outcome.handedBack(t);
                }
                if (run.status != TaskStatus.FAILED || retry >= retries || signal.raised()) {
                    byte[] output = run.status == TaskStatus.FAILED && retries > 0
                            ? utf8("failed " + (retry + 1) + " times, last: " + new String(run.output, StandardCharsets.UTF_8))
                            : run.output;
                    return new Outcome(t, run.status, output, run.result, started, micros(), attempt, true);
                }
                try {
                    if (signal.await(backoff(task.getRetryBackoffMs(), retry))) {
                        return new Outcome(t, signal.status(), utf8(signal.reason() + " (before retry " + (retry + 1) + ")"),
                                null, started, micros(), attempt, true);
                    }
                } catch (InterruptedException e) {
                    return Outcome.handedBack(t);
                }
            }
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            checks.cancels().unregister(signal);
        }
    }

    /** Raises {@code signal} as EXPIRED at the task's deadline, if it has one. */
    private ScheduledFuture<?> scheduleDeadline(TaskRequest task, RunSignal signal, long startedUs) {
        if (task.getDeadlineUs() <= 0) {
            return null;
        }
        long delayUs = Math.max(0, task.getDeadlineUs() - startedUs);
        return timers.schedule(() -> signal.raise(TaskStatus.EXPIRED, "deadline passed after the task had run "
                + (micros() - startedUs) / 1000 + " ms; interrupted"), delayUs, TimeUnit.MICROSECONDS);
    }

    /** {@code base} doubled for each retry before this one, at most {@link #MAX_BACKOFF}. */
    static Duration backoff(long baseMs, int retry) {
        long ms = Math.max(0, baseMs);
        for (int i = 0; i < retry && ms < MAX_BACKOFF.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, MAX_BACKOFF.toMillis()));
    }

    /** One handler run; null if interrupted by a shutdown. */
    private Run runOnce(Inflight t, int attempt, RunSignal signal) {
        TaskRequest task = t.task();
        Duration limit = config.timeoutFor(task.getType());
        Thread me = Thread.currentThread();
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        ScheduledFuture<?> timer = timers.schedule(() -> {
            synchronized (finished) {
                if (!finished.get()) {
                    timedOut.set(true);
                    me.interrupt();
                }
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            TaskHandler handler = handlers.get(task.getType());
            signal.bind(me);
            TaskOutput out = handler.run(new TaskInput(task.getTaskId(), task.getSessionId(), task.getType(),
                    task.getPayload().toByteArray(), attempt, deadline(task), signal));
            if (out == null) {
                return returnedNull(handler);
            }
            return new Run(TaskStatus.OK, out.output(), out);
        } catch (TaskRejectedException e) {
            return new Run(TaskStatus.REJECTED, utf8(e.getMessage()), null);
        } catch (InterruptedException e) {
            if (signal.interrupted()) {
                return stopped(signal);
            }
            return timedOut.get() ? timeout(task, limit) : null;
        } catch (Exception | LinkageError | AssertionError e) {
            if (signal.interrupted()) {
                return stopped(signal); // a handler that wrapped the interrupt
            }
            if (timedOut.get()) {
                return timeout(task, limit); // a handler that wrapped the interrupt
            }
            return failed(e);
        } finally {
            signal.unbind();
            synchronized (finished) {
                finished.set(true);
            }
            timer.cancel(false);
            Thread.interrupted(); // a late timer interrupt must not leak into the next task of this thread
        }
    }

    private static Instant deadline(TaskRequest task) {
        return task.getDeadlineUs() > 0 ? Instant.EPOCH.plusNanos(task.getDeadlineUs() * 1000) : null;
    }

    private static Run returnedNull(TaskHandler handler) {
        return new Run(TaskStatus.FAILED, utf8("handler " + handler.getClass().getName() + " returned null"), null);
    }

    private static Run failed(Throwable e) {
        return new Run(TaskStatus.FAILED, utf8(e.getClass().getSimpleName() + ": " + e.getMessage()), null);
    }

    private static Run stopped(RunSignal signal) {
        return new Run(signal.status(), utf8(signal.reason()), null);
    }

    private Run timeout(TaskRequest task, Duration limit) {
        String source = config.typeTimeouts().containsKey(task.getType())
                ? WriterConfig.TYPE_TIMEOUTS + " " + task.getType() : WriterConfig.TASK_TIMEOUT_MS;
        return new Run(TaskStatus.FAILED, utf8("timed out after " + limit.toMillis() + " ms (" + source + ")"), null);
    }

    private long micros() {
        return EpochMicros.now(clock);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
