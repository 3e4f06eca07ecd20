package io.swmrfacade.writer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Backpressure: pauses fetching a partition while it holds too many open tasks or fetched
 * records wait for it (or the node holds too many, or is stopping) and resumes it after. A paused partition keeps the node in its
 * group: the loop still polls.
 */
final class FetchControl {

    private FetchControl() {
    }

    /** {@code backlogged}: partitions with fetched records still waiting to be taken. */
    static void apply(Consumer<?, ?> consumer, OffsetTracker offsets, Set<TopicPartition> backlogged, int maxInflight, boolean stopping) {
        boolean nodeFull = offsets.open() > maxInflight;
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition tp : consumer.assignment()) {
            boolean full = nodeFull || stopping || backlogged.contains(tp) || offsets.open(tp) >= OffsetTracker.MAX_OPEN_PER_PARTITION;
            if (full && !paused.contains(tp)) {
                pause.add(tp);
            } else if (!full && paused.contains(tp)) {
                resume.add(tp);
            }
        }
        // Most turns change nothing: skip the consumer's calls (each takes its lock) then.
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }
}
