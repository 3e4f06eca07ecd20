package io.swmrfacade.writer;

/**
 * Runs one type of task. Built-in handlers (echo, sleep, append) and plugins implement it;
 * plugins are found with {@link java.util.ServiceLoader} in jars of the node's plugin folder
 * (list the class in {@code META-INF/services/io.swmrfacade.writer.TaskHandler}).
 *
 * <p>{@link #run} is called on a worker thread, at most {@link #maxConcurrency()} at once for this
 * type (unless the node's configuration says otherwise), and may be called concurrently:
 * implementations must be thread-safe. It should respond to interruption: the node interrupts a
 * task that outlives its time limit, is cancelled, passes its deadline, or is running at a
 * shutdown. {@link TaskInput#cancel()} carries the same news for handlers that poll.
 */
public interface TaskHandler {

    /** The task type this handler runs: 1-32 of a-z 0-9 _ . - */
    String type();

    /**
     * Runs the task.
     *
     * @throws TaskRejectedException if the payload is not valid for this type: the task gets a
     *     REJECTED result and is never retried
     * @throws Exception anything else: the task gets a FAILED result with the message
     */
    TaskOutput run(TaskInput input) throws Exception;

    /**
     * Whether the node may interrupt a running task of this type when it is cancelled or passes its
     * deadline. A handler that must not be stopped half-way (it talks to a system that cannot
     * roll back, say) returns false: its tasks then run to the end and keep their result, and
     * only the {@link TaskInput#cancel()} signal is raised. Time limits and shutdowns interrupt
     * every handler.
     */
    default boolean interruptible() {
        return true;
    }

    /**
     * Whether the node may run this type's tasks on its loop thread instead of a worker thread.
     * A worker costs a task two thread hand-offs (to the worker and back to the loop), which is
     * most of the node's time for a task that takes microseconds: the built-in {@code echo} says
     * true. Only for handlers that return within microseconds and never block, wait, sleep or do
     * I/O: while one runs, the node takes, records and answers nothing else. Tasks run this way
     * are checked for a cancel and their deadline just before they run, but get no time limit and
     * no interrupt while they run; a task that asks for retries still runs on a worker thread.
     */
    default boolean runsOnLoop() {
        return false;
    }

    /** How many tasks of this type may run at once on one node; 0 means the node's default. */
    default int maxConcurrency() {
        return 0;
    }
}
