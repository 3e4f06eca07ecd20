package io.swmrfacade.monitor;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The whole installation at one instant, built from its topics alone: what any host that reaches
 * the brokers can know without the files. Immutable.
 *
 * @param atUs         when the view was built, microseconds since the epoch
 * @param writers      every writer node that has sent a heartbeat within {@link MonitorConfig#FORGET_AFTER_MS}, by id
 * @param readers      every reader node that has published to the monitor topic, by id
 * @param partitions   every partition of the tasks topic, with its consumer and lag
 * @param tasksByState tasks the events and results topics name, by state (SUBMITTED, RUNNING, OK, FAILED...)
 * @param deadLetters  dead letters counted since the topic's beginning
 * @param recentDeadLetters the latest ones, newest last
 * @param problems     why the installation is not healthy: dead writers, partitions without a consumer; empty if it is
 */
public record InstallationView(long atUs, String bootstrap, String topicPrefix, String writerGroup,
                               List<WriterView> writers, List<ReaderView> readers, List<PartitionView> partitions,
                               long tasks, Map<String, Long> tasksByState, long deadLetters,
                               List<DeadLetterView> recentDeadLetters, List<String> problems) {

    public InstallationView {
        writers = List.copyOf(writers);
        readers = List.copyOf(readers);
        partitions = List.copyOf(partitions);
        tasksByState = Map.copyOf(tasksByState);
        recentDeadLetters = List.copyOf(recentDeadLetters);
        problems = List.copyOf(problems);
    }

    /** Every writer alive (or stopped cleanly) and every partition of the tasks topic has a consumer. */
    @JsonProperty("healthy")
    public boolean healthy() {
        return problems.isEmpty();
    }
}
