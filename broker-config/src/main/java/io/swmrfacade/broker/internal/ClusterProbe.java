package io.swmrfacade.broker.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/** What a running cluster says about itself: which brokers are unfenced, who leads the quorum and the partitions. */
public final class ClusterProbe {

    /**
     * @param brokers ids of the brokers the cluster lists (registered and unfenced)
     * @param activeController the node leading the KRaft quorum, if one answered
     * @param leaders partition leaders held, by node id (nodes leading nothing are absent)
     */
    public record Snapshot(Set<Integer> brokers, OptionalInt activeController, Map<Integer, Integer> leaders) {

        public static final Snapshot UNREACHABLE = new Snapshot(Set.of(), OptionalInt.empty(), Map.of());
    }

    private ClusterProbe() {
    }

    /**
     * Asks the cluster at {@code bootstrap}, logged in with the Kafka client settings
     * {@code login} (empty on a plaintext cluster); blocks for at most about {@code timeout} in
     * all. A cluster that does not answer in time gives {@link Snapshot#UNREACHABLE}, with what it
     * did answer.
     */
    public static Snapshot describe(String bootstrap, Map<String, Object> login, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int millis = (int) Math.max(1, timeout.toMillis());
        Map<String, Object> settings = new HashMap<>(login);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "swmr-facade-cluster-status");
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        settings.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 250);
        try (Admin admin = Admin.create(settings)) {
            Set<Integer> brokers;
            try {
                brokers = admin.describeCluster().nodes().get(remaining(deadline), TimeUnit.MILLISECONDS)
                        .stream().map(Node::id).collect(Collectors.toUnmodifiableSet());
            } catch (ExecutionException | TimeoutException e) {
                return Snapshot.UNREACHABLE;
            }
            OptionalInt controller = OptionalInt.empty();
            try {
                controller = OptionalInt.of(admin.describeMetadataQuorum().quorumInfo()
                        .get(remaining(deadline), TimeUnit.MILLISECONDS).leaderId());
            } catch (ExecutionException | TimeoutException e) {
                // no quorum leader known right now (an election is under way)
            }
            Map<Integer, Integer> leaders = new HashMap<>();
            try {
                Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(remaining(deadline), TimeUnit.MILLISECONDS);
                Collection<TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                        .get(remaining(deadline), TimeUnit.MILLISECONDS).values();
                for (TopicDescription topic : described) {
                    for (TopicPartitionInfo partition : topic.partitions()) {
                        if (partition.leader() != null && !partition.leader().isEmpty()) {
                            leaders.merge(partition.leader().id(), 1, Integer::sum);
                        }
                    }
                }
            } catch (ExecutionException | TimeoutException e) {
                // leaders unknown: shown as none
            }
            return new Snapshot(brokers, controller, Map.copyOf(leaders));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Snapshot.UNREACHABLE;
        }
    }

    private static long remaining(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
