package io.swmrfacade.coordinator.internal;

import io.swmrfacade.coordinator.TopicCheck;
import io.swmrfacade.topology.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Whether the broker's own topics, which hold consumer offsets and transaction state and so
 * decide whether writers commit, are replicated as far as the cluster allows: a cluster of three
 * brokers whose {@code __transaction_state} has one replica stops every writer when that broker dies.
 */
public final class ReplicationCheck {

    /** The broker's internal topic, and the broker settings it is created from. */
    private record Internal(String topic, String replicationKey, String minIsrKey) {
    }

    private static final List<Internal> INTERNAL = List.of(
            new Internal("__consumer_offsets", "offsets.topic.replication.factor", null),
            new Internal("__transaction_state", "transaction.state.log.replication.factor", "transaction.state.log.min.isr"));

    private final Admin admin;
    private final long timeoutMs;

    public ReplicationCheck(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /**
     * A problem for {@code spec}'s topic when it has fewer replicas than a cluster of
     * {@code brokers} allows, or null.
     */
    public static String underReplicated(String topic, int replicas, int brokers) {
        short allowed = TopicSpec.replicationFor(brokers);
        if (replicas >= allowed) {
            return null;
        }
        return "has replication factor " + replicas + ", fewer than the " + allowed + " a cluster of " + brokers
                + " brokers allows: losing one broker stops or loses it; recreate it with replication factor " + allowed;
    }

    /**
     * Checks {@code __consumer_offsets} and {@code __transaction_state}: where they exist, their
     * replicas and {@code min.insync.replicas}; where they do not yet (the broker creates them at
     * first use), the broker settings they will be created from.
     */
    public List<TopicCheck> internalTopics(int brokers, int controllerId) throws ExecutionException, InterruptedException, TimeoutException {
        short allowed = TopicSpec.replicationFor(brokers);
        String minIsr = Integer.toString(TopicSpec.minInsyncReplicas(allowed));
        Set<String> existing = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<TopicCheck> checks = new ArrayList<>();
        for (Internal internal : INTERNAL) {
            List<String> problems = new ArrayList<>();
            if (existing.contains(internal.topic())) {
                TopicDescription d = admin.describeTopics(List.of(internal.topic())).allTopicNames()
                        .get(timeoutMs, TimeUnit.MILLISECONDS).get(internal.topic());
                String under = underReplicated(internal.topic(), d.partitions().get(0).replicas().size(), brokers);
                if (under != null) {
                    problems.add(under + " (broker setting " + internal.replicationKey() + ")");
                }
                String actual = value(new ConfigResource(ConfigResource.Type.TOPIC, internal.topic()), TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                if (under == null && !minIsr.equals(actual)) {
                    problems.add(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG + " is " + actual + ", should be " + minIsr
                            + (internal.minIsrKey() == null ? "" : " (broker setting " + internal.minIsrKey() + ")"));
                }
            } else {
                ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(controllerId));
                String replication = value(broker, internal.replicationKey());
                if (replication != null && Integer.parseInt(replication) < allowed) {
                    problems.add("not created yet, and broker setting " + internal.replicationKey() + "=" + replication
                            + " would give it fewer than the " + allowed + " replicas a cluster of " + brokers + " brokers allows");
                }
            }
            checks.add(new TopicCheck(internal.topic(), false, List.copyOf(problems)));
        }
        return checks;
    }

    private String value(ConfigResource resource, String key) throws ExecutionException, InterruptedException, TimeoutException {
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        ConfigEntry entry = configs.get(resource).get(key);
        return entry == null ? null : entry.value();
    }
}
