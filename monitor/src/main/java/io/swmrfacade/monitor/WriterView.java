package io.swmrfacade.monitor;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One writer node as its heartbeats and its consumer group show it.
 *
 * @param state          ALIVE, DEAD (no heartbeat for the worker timeout) or STOPPED (it said so on a clean shutdown)
 * @param address        the address the node reaches the brokers from; empty from nodes that do not say
 * @param lastSeenMsAgo  age of its latest heartbeat
 * @param tasksPerSecond tasks finished per second over the last few heartbeats
 * @param tasksOpen      tasks running on the node now
 * @param lastFlushUs    when it last flushed task rows to its file; 0 if never (or not said)
 * @param partitions     the tasks partitions its consumer owns now, with their lag
 */
public record WriterView(String id, String host, String address, String file, long pid, String state,
                         long lastSeenMsAgo, double tasksPerSecond, int tasksOpen, long tasksDone, long lastFlushUs,
                         List<PartitionView> partitions) {

    public WriterView {
        partitions = List.copyOf(partitions);
    }

    /** The sum of its partitions' lag. */
    @JsonProperty("lag")
    public long lag() {
        return partitions.stream().mapToLong(PartitionView::lag).sum();
    }
}
