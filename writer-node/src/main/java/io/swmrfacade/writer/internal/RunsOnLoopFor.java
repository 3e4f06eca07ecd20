package io.swmrfacade.writer.internal;

import com.google.protobuf.ByteString;

/**
 * A built-in handler that runs some of its tasks on the loop thread, chosen by payload
 * ({@link TaskRunner#runInline}); its {@code runsOnLoop()} is not asked.
 */
interface RunsOnLoopFor {

    /** Whether the task with {@code payload} returns within microseconds and may run on the loop thread. */
    boolean runsOnLoop(ByteString payload);
}
