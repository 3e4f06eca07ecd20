package io.swmrfacade.writer.internal;

import java.util.List;
import java.util.function.Consumer;

/** Durable start counts, written before tasks run ({@link Attempts} on Kafka, with its {@link StartJournal}). */
interface StartRecorder {

    /**
     * Counts one start of each task, none started before, so that the node's own restart sees it,
     * and sends the durable record without waiting: the tasks may run at once. Returns false,
     * having counted nothing, if that cannot be done; then {@link #recordStarts} must be used.
     */
    boolean recordFirstStarts(List<Inflight> tasks);

    /**
     * Records one more start of each task and returns at once; {@code whenRecorded} gets true,
     * on another thread, once all are durable, or false if any could not be recorded, and then
     * {@link #unrecorded} must follow on the loop thread.
     */
    void recordStarts(List<Inflight> tasks, Consumer<Boolean> whenRecorded);

    /** Loop thread: forgets the starts of tasks that {@link #recordStarts} could not record; they did not run. */
    void unrecorded(List<Inflight> tasks);

    /** Loop thread, every turn: sends what is due of the durable records that {@link #recordFirstStarts} deferred. */
    default void tick() {
    }

    /**
     * Loop thread: the tasks ran to an outcome, now in the file (flushed, or for a chain of appends
     * written, to be flushed at the next turn); a deferred record of their starts is not needed.
     */
    default void ended(List<Inflight> tasks) {
    }
}
