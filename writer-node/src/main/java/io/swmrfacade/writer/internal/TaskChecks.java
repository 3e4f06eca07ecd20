package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.swmr.internal.RowCodec;
import io.swmrfacade.writer.WriterConfig;

/** Why a well-formed task can never run on this node (it is REJECTED without starting), or null. Thread-safe. */
final class TaskChecks {

    private final HandlerRegistry handlers;
    private final int maxPayloadBytes;

    TaskChecks(HandlerRegistry handlers, int maxPayloadBytes) {
        this.handlers = handlers;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    String rejection(TaskRequest task) {
        if (handlers.get(task.getType()) == null) {
            return "unknown task type '" + BuiltinHandlers.abbreviate(task.getType()) + "'; this node runs " + handlers.types();
        }
        if (task.getPayload().size() > maxPayloadBytes) {
            return "payload of " + task.getPayload().size() + " bytes is over the limit of " + maxPayloadBytes
                    + " (" + WriterConfig.MAX_PAYLOAD_BYTES + ")";
        }
        if (task.getTaskId().length() > RowCodec.ID_LEN || task.getSessionId().length() > RowCodec.ID_LEN) {
            return "task and session ids may have at most " + RowCodec.ID_LEN + " characters";
        }
        return null;
    }
}
