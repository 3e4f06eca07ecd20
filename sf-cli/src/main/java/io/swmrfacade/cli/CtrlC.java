package io.swmrfacade.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a waiting command finish its report on Ctrl-C (SIGINT) or SIGTERM: the JVM's shutdown
 * hook raises {@link #pressed()} and then holds the exit, for at most {@link #GRACE}, until the
 * command calls {@link #reported()}. The process then ends with the shell's usual status for the
 * signal (130 for SIGINT). Without a signal, {@link #close()} removes the hook.
 *
 * <p>{@link #pressed()} may be read from any thread.
 */
final class CtrlC implements AutoCloseable {

    /** How long the exit waits for the report: a bound, so a stuck command cannot keep the JVM up. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final CountDownLatch reported = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean pressed;

    private CtrlC() {
        hook = new Thread(() -> {
            pressed = true;
            try {
                reported.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sf-ctrl-c");
    }

    static CtrlC watch() {
        CtrlC c = new CtrlC();
        Runtime.getRuntime().addShutdownHook(c.hook);
        return c;
    }

    boolean pressed() {
        return pressed;
    }

    /** The command has said what it had to say: the exit may go on. */
    void reported() {
        reported.countDown();
    }

    @Override
    public void close() {
        reported();
        if (!pressed) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // a signal came just now: the hook runs and finds the report done
            }
        }
    }
}
