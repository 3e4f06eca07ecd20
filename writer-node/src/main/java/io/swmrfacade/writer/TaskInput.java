package io.swmrfacade.writer;

import java.time.Instant;
import java.util.Objects;

/**
 * What a handler gets: the task as submitted.
 *
 * @param attempt  1 on the first run; one more for each retry the task asked for and for each earlier
 *                 start that died with its node (a handler may run again after a crash: keep side effects idempotent)
 * @param deadline when the task's result stops being useful, or null; a handler still running then is
 *                 interrupted and its task answered EXPIRED (unless it is not {@linkplain TaskHandler#interruptible() interruptible})
 * @param cancel   raised when the task is cancelled or passes its deadline while it runs
 */
public record TaskInput(String taskId, String sessionId, String type, byte[] payload, int attempt, Instant deadline,
                        CancelSignal cancel) {

    public TaskInput {
        Objects.requireNonNull(cancel, "cancel");
    }

    /** A task input whose cancel signal is never raised. */
    public TaskInput(String taskId, String sessionId, String type, byte[] payload, int attempt, Instant deadline) {
        this(taskId, sessionId, type, payload, attempt, deadline, CancelSignal.NEVER);
    }
}
