package io.swmrfacade.writer.internal;

import com.google.protobuf.ByteString;
import io.swmrfacade.writer.TaskOutput;

/**
 * A built-in handler that runs some of its tasks on the loop thread, chosen by payload
 * ({@link TaskRunner#runInline}); its {@code runsOnLoop()} is not asked, and those tasks reach
 * {@link #runOnLoop}, which reads the payload where it lies, instead of {@code run}.
 */
interface RunsOnLoopFor {

    /** Whether the task with {@code payload} returns within microseconds and may run on the loop thread. */
    boolean runsOnLoop(ByteString payload);

    /**
     * Runs a task whose payload {@link #runsOnLoop} accepted, as {@code run} would, reading
     * {@code payload} in place: it is a view of the task's record, not a copy.
     */
    TaskOutput runOnLoop(ByteString payload);
}
