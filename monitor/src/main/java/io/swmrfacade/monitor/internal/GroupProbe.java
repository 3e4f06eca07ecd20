package io.swmrfacade.monitor.internal;

import io.swmrfacade.monitor.PartitionView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Asks the brokers, through the Admin API, who consumes each partition of the tasks topic and how
 * far behind the writers' committed offsets are. Every question is bounded by the timeout.
 *
 * <p>Not thread-safe: one caller at a time.
 */
public final class GroupProbe {

    /** Writer nodes name their consumer client "sf-writer-" + node id. */
    static final String WRITER_CLIENT_PREFIX = "sf-writer-";

    private final Admin admin;
    private final String tasksTopic;
    private final String group;
    private final long timeoutMs;

    public GroupProbe(Admin admin, String tasksTopic, String group, long timeoutMs) {
        this.admin = admin;
        this.tasksTopic = tasksTopic;
        this.group = group;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Every partition of the tasks topic, in order, with its owner and lag.
     *
     * @throws ExecutionException   if the brokers refuse a question (the topic does not exist, say)
     * @throws TimeoutException     if they do not answer within the timeout
     */
    public List<PartitionView> partitions() throws ExecutionException, InterruptedException, TimeoutException {
        int count = admin.describeTopics(List.of(tasksTopic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS)
                .get(tasksTopic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < count; p++) {
            latest.put(new TopicPartition(tasksTopic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, String> owners = owners();
        List<PartitionView> out = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            TopicPartition tp = new TopicPartition(tasksTopic, p);
            long end = ends.get(tp).offset();
            OffsetAndMetadata c = committed.get(tp);
            long at = c == null ? -1 : c.offset();
            // Before the first commit every task in the partition is still to do (the writers start at the earliest).
            out.add(new PartitionView(p, owners.getOrDefault(tp, ""), at, end, Math.max(0, end - Math.max(0, at))));
        }
        return out;
    }

    private Map<TopicPartition, String> owners() throws ExecutionException, InterruptedException, TimeoutException {
        ConsumerGroupDescription g;
        try {
            g = admin.describeConsumerGroups(List.of(group)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(group);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
        Map<TopicPartition, String> owners = new HashMap<>();
        for (MemberDescription m : g.members()) {
            String owner = ownerName(m);
            m.assignment().topicPartitions().forEach(tp -> owners.put(tp, owner));
        }
        return owners;
    }

    static String ownerName(MemberDescription m) {
        if (m.clientId().startsWith(WRITER_CLIENT_PREFIX)) {
            return m.clientId().substring(WRITER_CLIENT_PREFIX.length());
        }
        return m.groupInstanceId().orElse(m.clientId());
    }
}
