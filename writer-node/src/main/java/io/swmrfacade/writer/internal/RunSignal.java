package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.writer.CancelSignal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The cancel signal of one running task: raised by a cancel ({@link CancelBook}) or by its
 * deadline ({@link TaskRunner}), it remembers which came first and interrupts the handler's
 * thread while the handler runs, if the handler allows it.
 *
 * <p>Thread-safe: raised from the cancels follower or the timer thread, read by the worker.
 */
final class RunSignal implements CancelSignal {

    private final String taskId;
    private final String sessionId;
    private final boolean interruptible;
    private final CountDownLatch raisedLatch = new CountDownLatch(1);
    private TaskStatus status;
    private String reason = "";
    private Thread runner;
    private boolean interrupted;

    RunSignal(String taskId, String sessionId, boolean interruptible) {
        this.taskId = taskId;
        this.sessionId = sessionId;
        this.interruptible = interruptible;
    }

    String taskId() {
        return taskId;
    }

    String sessionId() {
        return sessionId;
    }

    /** The handler runs on {@code thread} from now on: a raise interrupts it until {@link #unbind}. */
    synchronized void bind(Thread thread) {
        runner = thread;
        if (status != null) {
            interrupt();
        }
    }

    /** The handler returned or threw: later raises no longer interrupt this thread. */
    synchronized void unbind() {
        runner = null;
    }

    /** Raises the signal with {@code why} (CANCELLED or EXPIRED) unless it is raised already. */
    synchronized void raise(TaskStatus why, String text) {
        if (status != null) {
            return;
        }
        status = why;
        reason = text;
        raisedLatch.countDown();
        interrupt();
    }

    private void interrupt() {
        if (interruptible && runner != null) {
            interrupted = true;
            runner.interrupt();
        }
    }

    /** CANCELLED or EXPIRED once raised, else null. */
    synchronized TaskStatus status() {
        return status;
    }

    /** Whether a raise interrupted the handler's thread. */
    synchronized boolean interrupted() {
        return interrupted;
    }

    @Override
    public synchronized boolean raised() {
        return status != null;
    }

    @Override
    public synchronized String reason() {
        return reason;
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        return raisedLatch.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }
}
