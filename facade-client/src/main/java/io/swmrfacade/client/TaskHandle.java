package io.swmrfacade.client;

import java.util.concurrent.CompletableFuture;

/**
 * What {@link TaskFacade#submit} returns at once: the task's id and a future of its result. The
 * future is completed on the facade's result thread (or the closing thread, for NOT_SENT); chain
 * with the {@code *Async} methods to run heavy work elsewhere.
 */
public record TaskHandle(TaskId id, long sequence, CompletableFuture<TaskResult> result) {
}
