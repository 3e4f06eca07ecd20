package io.swmrfacade.monitor;

/**
 * One partition of the tasks topic.
 *
 * @param owner     the writer node id whose consumer owns it; empty when no consumer does
 * @param committed the writers' committed offset; -1 before their first commit
 * @param end       the offset the next task will get
 * @param lag       tasks in the partition that no writer has committed yet
 */
public record PartitionView(int partition, String owner, long committed, long end, long lag) {
}
