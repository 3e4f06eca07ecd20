package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ends a broker process by its pid, bounded in time: SIGTERM with a grace period, then SIGKILL. */
public final class Termination {

    /** How long a broker may take to die after SIGKILL. */
    public static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private Termination() {
    }

    /**
     * SIGTERM (Kafka's controlled shutdown), then SIGKILL if it has not exited within
     * {@code grace}. Blocks for at most {@code grace} plus {@link #KILL_TIMEOUT}.
     *
     * @return true once the process is gone
     * @throws BrokerException if the thread is interrupted
     */
    public static boolean terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        return kill(process);
    }

    /**
     * SIGKILL: no controlled shutdown, as in a crash. Blocks for at most {@link #KILL_TIMEOUT}.
     *
     * @return true once the process is gone
     */
    public static boolean kill(ProcessHandle process) {
        process.destroyForcibly();
        return awaitExit(process, KILL_TIMEOUT);
    }

    /** Waits up to {@code timeout} for {@code process} to exit; true if it has. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for broker pid " + process.pid() + " to exit", e);
        }
    }
}
