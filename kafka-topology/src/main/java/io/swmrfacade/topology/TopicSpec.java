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

    /** The replication factor that survives the loss of a broker without stopping acks=all writes. */
    public static final short FULL_REPLICATION = 3;

    /**
     * The replication factor a cluster of {@code brokers} allows: 3 from three brokers on, as
     * many as there are below that (1 on a single development broker).
     *
     * @throws IllegalArgumentException if {@code brokers} is not positive
     */
    public static short replicationFor(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
        }
        return (short) Math.min(FULL_REPLICATION, brokers);
    }

    /**
     * The {@code min.insync.replicas} for a replication factor: 2 of 3 or more, so that an
     * acknowledged write is on two brokers and one broker may be down without stopping writes;
     * 1 below 3, where requiring 2 of 2 would stop all writes whenever one broker is down.
     */
    public static int minInsyncReplicas(short replication) {
        return replication >= FULL_REPLICATION ? 2 : 1;
    }

    /**
     * The specs of every topic of an installation that the coordinator creates and checks (all of
     * {@link Topics#all()}), each with the {@code min.insync.replicas} of its replication factor
     * ({@link #minInsyncReplicas}).
     *
     * <p>Results and events use the broker's clock (LogAppendTime) so that a resumed session can
     * find where it began with {@code offsetsForTimes}, whatever the clocks of the hosts that wrote.
     * The tasks, results and dead-letter topics take records up to {@link TaskLimits#MAX_RECORD_BYTES}
     * (a task at the payload limit, its echo, its dead letter); brokers default to about 1 MiB.
     */
    public static List<TopicSpec> forInstallation(Topics topics, int partitions, short replication, Duration retention) {
        String keep = Long.toString(retention.toMillis());
        String minIsr = Integer.toString(minInsyncReplicas(replication));
        String maxRecord = Integer.toString(TaskLimits.MAX_RECORD_BYTES);
        Map<String, String> data = ordered(TopicConfig.RETENTION_MS_CONFIG, keep,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxRecord, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        Map<String, String> results = ordered(TopicConfig.RETENTION_MS_CONFIG, keep,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxRecord,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        Map<String, String> brokerTimed = ordered(TopicConfig.RETENTION_MS_CONFIG, keep,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        // Heartbeats and monitor updates are only interesting while fresh.
        Map<String, String> liveness = ordered(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        return List.of(
                new TopicSpec(topics.tasks(), partitions, replication, data),
                new TopicSpec(topics.results(), partitions, replication, results),
                new TopicSpec(topics.events(), partitions, replication, brokerTimed),
                new TopicSpec(topics.deadLetter(), 1, replication, data),
                new TopicSpec(topics.heartbeats(), 1, replication, liveness),
                new TopicSpec(topics.monitor(), 1, replication, liveness),
                cancels(topics, replication, keep));
    }

    /**
     * The spec of the attempts topic, which writer nodes create when it is missing: compacted
     * (a count lives until its task's tombstone), with as many partitions and replicas as the
     * tasks topic it mirrors. A node reads its partitions whole when it is assigned them, so they
     * must stay small: segments roll every 10 minutes (the active segment is never compacted),
     * and tombstones go an hour after compaction (a reader takes milliseconds, not an hour, to
     * read past both a count and its tombstone). Its {@code min.insync.replicas} follows its
     * replication factor, as the other topics' do.
     */
    public static TopicSpec attempts(Topics topics, int taskPartitions, short taskReplication) {
        return new TopicSpec(topics.attempts(), taskPartitions, taskReplication,
                ordered(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas(taskReplication)),
                        TopicConfig.SEGMENT_MS_CONFIG, "600000",
                        TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000",
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"));
    }

    /**
     * The spec of the cancels topic: one partition (every node reads all of it), replicated like
     * the tasks topic, and kept as long as the tasks topic keeps tasks ({@code taskRetentionMs}),
     * so a cancel outlives any queued task it names. The coordinator creates it with the others
     * ({@link #forInstallation}); a writer node started before any coordinator creates it from the
     * tasks topic's settings.
     */
    public static TopicSpec cancels(Topics topics, short taskReplication, String taskRetentionMs) {
        return new TopicSpec(topics.cancels(), 1, taskReplication,
                ordered(TopicConfig.RETENTION_MS_CONFIG, taskRetentionMs,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas(taskReplication))));
    }

    private static Map<String, String> ordered(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
