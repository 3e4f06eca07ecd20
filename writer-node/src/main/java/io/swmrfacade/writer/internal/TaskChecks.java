package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.swmr.internal.RowCodec;
import io.swmrfacade.topology.TaskLimits;

/**
 * Why a well-formed task can never run on this node (it is REJECTED without starting), or null.
 * The facade refuses oversized tasks at submit; this catches those that other clients send.
 * Thread-safe.
 */
final class TaskChecks {

    private final HandlerRegistry handlers;

    TaskChecks(HandlerRegistry handlers) {
        this.handlers = handlers;
    }

    String rejection(TaskRequest task) {
        if (handlers.get(task.getType()) == null) {
            return "unknown task type '" + BuiltinHandlers.abbreviate(task.getType()) + "'; this node runs " + handlers.types();
        }
        String tooLarge = TaskLimits.payloadRejection(task.getPayload().size());
        if (tooLarge != null) {
            return tooLarge;
        }
        if (task.getTaskId().length() > RowCodec.ID_LEN || task.getSessionId().length() > RowCodec.ID_LEN) {
            return "task and session ids may have at most " + RowCodec.ID_LEN + " characters";
        }
        return null;
    }
}
