package io.swmrfacade.writer;

import java.time.Instant;

/**
 * What a handler gets: the task as submitted.
 *
 * @param attempt  1 on the first run; more when a node died while running the task before
 * @param deadline when the task's result stops being useful, or null
 */
public record TaskInput(String taskId, String sessionId, String type, byte[] payload, int attempt, Instant deadline) {
}
