package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.writer.TaskOutput;

/**
 * How a task ended on this node.
 *
 * @param status   null when the task was interrupted by a shutdown: it is handed back, not recorded
 * @param output   the handler's output, or the error text
 * @param result   what an OK handler returned (may carry samples), else null
 * @param attempts handler runs in total: earlier crashed starts plus the runs of this start
 * @param started  whether the task went through its key gate and held a lane slot, which it now frees
 */
record Outcome(Inflight task, TaskStatus status, byte[] output, TaskOutput result, long startedUs, long finishedUs,
               int attempts, boolean started) {

    static Outcome handedBack(Inflight task) {
        return new Outcome(task, null, new byte[0], null, 0, 0, task.priorStarts(), true);
    }

    /** A task answered without running its handler; {@code started} as for the record. */
    static Outcome withoutRun(Inflight task, TaskStatus status, String message, long nowUs, boolean started) {
        return new Outcome(task, status, message.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, nowUs, nowUs,
                task.priorStarts(), started);
    }

    boolean handedBack() {
        return status == null;
    }
}
