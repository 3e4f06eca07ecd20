package io.swmrfacade.coordinator;

/**
 * What the coordinator knows of one task.
 *
 * @param state   SUBMITTED, RUNNING, or the final status (OK, FAILED, REJECTED, WORKER_CRASHED, EXPIRED, CANCELLED)
 */
public record TaskState(String taskId, String sessionId, String type, String state, String workerId, String file, long row) {
}
