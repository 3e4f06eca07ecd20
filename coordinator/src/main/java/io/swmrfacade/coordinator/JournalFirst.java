package io.swmrfacade.coordinator;

import io.swmrfacade.topology.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds a table's consumer back on the results topic while the events topic has records it has
 * not read, so that a task's journal entry is folded before its result whenever both are on the
 * topics. Without it a consumer that folds the topics from their beginning may read every result
 * first, and a result that has left the table ({@link StateTable}) by the time its journal entry
 * arrives would count its task a second time. Reading the events topic costs little, so the
 * results wait only while it catches up: when the table refolds the topics, or under a burst.
 *
 * <p>Not thread-safe: call it on the consumer's thread.
 */
public final class JournalFirst {

    private final String events;
    private final String results;
    private boolean holding;

    public JournalFirst(Topics topics) {
        this.events = topics.events();
        this.results = topics.results();
    }

    /**
     * After each poll: pauses the assigned results partitions while any assigned events partition
     * has records left to read (or its lag is not known yet, before its first fetch), and resumes
     * them once none has. Never blocks: the lag is what the last fetches reported.
     */
    public void afterPoll(Consumer<?, ?> consumer) {
        List<TopicPartition> resultParts = new ArrayList<>();
        boolean behind = false;
        for (TopicPartition tp : consumer.assignment()) {
            if (tp.topic().equals(results)) {
                resultParts.add(tp);
            } else if (tp.topic().equals(events) && !behind) {
                OptionalLong lag = consumer.currentLag(tp);
                behind = lag.isEmpty() || lag.getAsLong() > 0;
            }
        }
        if (behind) { // again each time: partitions assigned since are held too
            consumer.pause(resultParts);
        } else if (!behind && holding) {
            consumer.resume(resultParts);
        }
        holding = behind;
    }

    /** Whether the results partitions are held back now. */
    public boolean holding() {
        return holding;
    }
}
