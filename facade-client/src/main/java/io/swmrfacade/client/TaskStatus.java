package io.swmrfacade.client;

/** How a task ended. Every submitted task ends in exactly one of these. */
public enum TaskStatus {
    /** The handler returned; the output is its result. */
    OK,
    /** The handler threw or timed out; the error says why. */
    FAILED,
    /** The task could never run: unknown type, bad payload, bad dataset path. */
    REJECTED,
    /** Workers died on this task every time they tried it (a poison task). */
    WORKER_CRASHED,
    /** Its deadline passed before a worker started it, or while it ran and its handler was interrupted. */
    EXPIRED,
    /** The client closed before the broker confirmed it had the task. */
    NOT_SENT,
    /** It was cancelled before it finished: it never ran, or its handler was interrupted. */
    CANCELLED;

    public boolean succeeded() {
        return this == OK;
    }
}
