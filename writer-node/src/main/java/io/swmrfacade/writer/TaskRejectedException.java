package io.swmrfacade.writer;

/** Thrown by a handler for input it can never run: the task is REJECTED, not retried. */
public class TaskRejectedException extends WriterNodeException {

    public TaskRejectedException(String message) {
        super(message);
    }
}
