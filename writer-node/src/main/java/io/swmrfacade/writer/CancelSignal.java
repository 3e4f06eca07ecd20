package io.swmrfacade.writer;

import java.time.Duration;

/**
 * Tells a running handler that its task was cancelled or passed its deadline, so it should stop.
 * The node also interrupts the handler's thread when it raises the signal (unless the handler
 * declares itself not {@linkplain TaskHandler#interruptible() interruptible}); a handler that
 * does not block in interruptible calls polls {@link #raised()} instead.
 *
 * <p>Thread-safe. Once raised, a signal stays raised.
 */
public interface CancelSignal {

    /** A signal that is never raised: for handlers run outside a node (tests, tools). */
    CancelSignal NEVER = new CancelSignal() {
        @Override
        public boolean raised() {
            return false;
        }

        @Override
        public String reason() {
            return "";
        }

        @Override
        public boolean await(Duration timeout) throws InterruptedException {
            Thread.sleep(Math.max(0, timeout.toMillis()));
            return false;
        }
    };

    /** True once the task was cancelled or passed its deadline. */
    boolean raised();

    /** Why it was raised ("cancelled by ...", "deadline passed ..."), or empty while not raised. */
    String reason();

    /**
     * Waits up to {@code timeout} for the signal; returns whether it is raised.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    boolean await(Duration timeout) throws InterruptedException;
}
