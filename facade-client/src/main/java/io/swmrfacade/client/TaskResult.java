package io.swmrfacade.client;

import java.nio.charset.StandardCharsets;

/**
 * The one result of a task.
 *
 * @param output   the handler's output (empty unless OK)
 * @param error    why the task did not succeed (empty if OK)
 * @param file     the writer's file holding the task's row, and {@code row} its index in /sf/tasks
 */
public record TaskResult(TaskId id, long sequence, String type, TaskStatus status, byte[] output, String error,
                         int attempts, String workerId, String file, long row) {

    public TaskResult {
        output = output == null ? new byte[0] : output;
        error = error == null ? "" : error;
    }

    public String outputText() {
        return new String(output, StandardCharsets.UTF_8);
    }

}
