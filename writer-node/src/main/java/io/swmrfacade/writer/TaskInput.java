package io.swmrfacade.writer;

import java.time.Instant;

/**
 * What a handler gets: the task as submitted.
 *
 * @param attempt  1 on the first run; one more for each retry the task asked for and for each earlier
 *                 start that died with its node (a handler may run again after a crash: keep side effects idempotent)
 * @param deadline when the task's result stops being useful, or null
 */
public record TaskInput(String taskId, String sessionId, String type, byte[] payload, int attempt, Instant deadline) {
}
