package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskRequest;
import org.apache.kafka.common.TopicPartition;

/**
 * A task taken from Kafka and not yet recorded.
 *
 * @param epoch       the assignment of {@code tp} it was taken under (see {@link OffsetTracker})
 * @param seq         arrival order on this node, to keep FIFO among equal priorities
 * @param priorStarts how often nodes started it before without recording it (from the attempts topic)
 * @param maxAttempts starts allowed before it is failed as WORKER_CRASHED
 * @param id          the task's id, kept here: the loop looks it up many times per task, and the
 *                    request it comes from is rarely in the cache by then
 */
record Inflight(TaskRequest task, TopicPartition tp, long offset, long epoch, long seq, int priorStarts, int maxAttempts,
                String id) {

    Inflight(TaskRequest task, TopicPartition tp, long offset, long epoch, long seq, int priorStarts, int maxAttempts) {
        this(task, tp, offset, epoch, seq, priorStarts, maxAttempts, task.getTaskId());
    }

    /**
     * The last allowed start of a task that has killed a node before runs alone, so that if the
     * node dies again the blame is certain and no bystander uses up its own attempts.
     */
    boolean runsAlone() {
        return priorStarts >= 1 && priorStarts >= maxAttempts - 1;
    }
}
