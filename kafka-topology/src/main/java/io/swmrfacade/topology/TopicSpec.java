package io.swmrfacade.topology;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How one topic must be configured: the coordinator creates topics from these specs and reports
 * existing topics that differ.
 *
 * @param config topic-level settings (Kafka {@link TopicConfig} keys) that must match exactly
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> config) {

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions for " + name + " must be at least 1, not " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor for " + name + " must be at least 1, not " + replicationFactor);
        }
        config = Map.copyOf(config);
    }

    /**
     * The specs of every topic of an installation.
     *
     * <p>Results and events use the broker's clock (LogAppendTime) so that a resumed session can
     * find where it began with {@code offsetsForTimes}, whatever the clocks of the hosts that wrote.
     * The tasks, results and dead-letter topics take records up to {@link TaskLimits#MAX_RECORD_BYTES}
     * (a task at the payload limit, its echo, its dead letter); brokers default to about 1 MiB.
     */
    public static List<TopicSpec> forInstallation(Topics topics, int partitions, short replication, Duration retention) {
        String keep = Long.toString(retention.toMillis());
        String maxRecord = Integer.toString(TaskLimits.MAX_RECORD_BYTES);
        Map<String, String> data = ordered(TopicConfig.RETENTION_MS_CONFIG, keep,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxRecord);
        Map<String, String> results = ordered(TopicConfig.RETENTION_MS_CONFIG, keep,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxRecord);
        Map<String, String> brokerTimed = ordered(TopicConfig.RETENTION_MS_CONFIG, keep,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        // Heartbeats and monitor updates are only interesting while fresh.
        Map<String, String> liveness = ordered(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));
        return List.of(
                new TopicSpec(topics.tasks(), partitions, replication, data),
                new TopicSpec(topics.results(), partitions, replication, results),
                new TopicSpec(topics.events(), partitions, replication, brokerTimed),
                new TopicSpec(topics.deadLetter(), 1, replication, data),
                new TopicSpec(topics.heartbeats(), 1, replication, liveness),
                new TopicSpec(topics.monitor(), 1, replication, liveness));
    }

    /**
     * The spec of the attempts topic, which writer nodes create when it is missing: compacted
     * (a count lives until its task's tombstone), with as many partitions and replicas as the
     * tasks topic it mirrors. A node reads its partitions whole when it is assigned them, so they
     * must stay small: segments roll every 10 minutes (the active segment is never compacted),
     * and tombstones go an hour after compaction (a reader takes milliseconds, not an hour, to
     * read past both a count and its tombstone).
     */
    public static TopicSpec attempts(Topics topics, int taskPartitions, short taskReplication) {
        return new TopicSpec(topics.attempts(), taskPartitions, taskReplication,
                ordered(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.SEGMENT_MS_CONFIG, "600000",
                        TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000",
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"));
    }

    private static Map<String, String> ordered(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
