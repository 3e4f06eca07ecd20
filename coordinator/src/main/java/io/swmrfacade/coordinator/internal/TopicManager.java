package io.swmrfacade.coordinator.internal;

import io.swmrfacade.coordinator.TopicCheck;
import io.swmrfacade.topology.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates missing topics from their specs and reports how existing ones differ. */
public final class TopicManager {

    private final Admin admin;
    private final long timeoutMs;

    public TopicManager(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Creates the missing topics and checks all of them against their specs, and against what a
     * cluster of {@code brokers} allows ({@link ReplicationCheck#underReplicated}).
     */
    public List<TopicCheck> ensure(List<TopicSpec> specs, int brokers) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<TopicCheck> out = new ArrayList<>();
        List<NewTopic> toCreate = new ArrayList<>();
        for (TopicSpec s : specs) {
            if (!existing.contains(s.name())) {
                toCreate.add(new NewTopic(s.name(), s.partitions(), s.replicationFactor()).configs(s.config()));
            }
        }
        if (!toCreate.isEmpty()) {
            try {
                admin.createTopics(toCreate).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another coordinator racing us is fine; anything else is not
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Map<String, TopicDescription> descriptions;
        Map<ConfigResource, Config> configs;
        while (true) {
            try {
                descriptions = admin.describeTopics(specs.stream().map(TopicSpec::name).toList())
                        .allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
                configs = admin.describeConfigs(specs.stream()
                        .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList()).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                break;
            } catch (ExecutionException e) {
                // Topics just created may not be known to every part of the broker yet.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        for (TopicSpec s : specs) {
            boolean created = toCreate.stream().anyMatch(t -> t.name().equals(s.name()));
            List<String> problems = new ArrayList<>(differences(s, descriptions.get(s.name()),
                    configs.get(new ConfigResource(ConfigResource.Type.TOPIC, s.name()))));
            String under = ReplicationCheck.underReplicated(s.name(),
                    descriptions.get(s.name()).partitions().get(0).replicas().size(), brokers);
            if (under != null) {
                problems.add(under);
            }
            out.add(new TopicCheck(s.name(), created, List.copyOf(problems)));
        }
        return out;
    }

    static List<String> differences(TopicSpec spec, TopicDescription d, Config config) {
        List<String> problems = new ArrayList<>();
        int partitions = d.partitions().size();
        if (partitions != spec.partitions()) {
            problems.add("has " + partitions + " partitions, the spec says " + spec.partitions());
        }
        int replicas = d.partitions().get(0).replicas().size();
        if (replicas != spec.replicationFactor()) {
            problems.add("has replication factor " + replicas + ", the spec says " + spec.replicationFactor());
        }
        Map<String, String> actual = new HashMap<>();
        config.entries().forEach(e -> actual.put(e.name(), e.value()));
        spec.config().forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                problems.add(k + " is " + actual.get(k) + ", the spec says " + v);
            }
        });
        return problems;
    }
}
