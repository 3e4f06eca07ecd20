package io.swmrfacade.cli;

import io.swmrfacade.topology.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least privilege of each role within one installation (a topic prefix: a tenant's
 * {@code <tenant>.}, or {@code sf.}):
 * <ul>
 *   <li>client: writes tasks and its journal (events), reads results and the journal, writes cancels;</li>
 *   <li>writer: reads tasks and cancels, writes results, attempts, heartbeats and dead letters, in its
 *       installation's consumer group and transactional ids ({@code <prefix>writer...});</li>
 *   <li>reader: writes the monitor topic;</li>
 *   <li>admin: everything on the installation's topics and groups (the coordinator, sf status),
 *       and reading the replication settings of Kafka's internal topics and brokers.</li>
 * </ul>
 * Topic ACLs are LITERAL on each topic name; group and transactional-id ACLs are PREFIXED on the
 * installation's prefix, so no ACL reaches another installation.
 */
enum RoleAcls {
    client, writer, reader, admin;

    /** The ACLs that give {@code user} this role on the installation {@code topics}. */
    List<AclBinding> bindings(String user, Topics topics) {
        Grants g = new Grants("User:" + user);
        String prefix = topics.prefix();
        switch (this) {
            case client -> {
                g.topic(topics.tasks(), AclOperation.WRITE);
                g.topic(topics.events(), AclOperation.WRITE, AclOperation.READ);
                g.topic(topics.results(), AclOperation.READ);
                g.topic(topics.cancels(), AclOperation.WRITE);
            }
            case writer -> {
                // DESCRIBE_CONFIGS: the cancels topic takes the tasks topic's retention.
                g.topic(topics.tasks(), AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
                g.topic(topics.results(), AclOperation.WRITE);
                g.topic(topics.deadLetter(), AclOperation.WRITE);
                g.topic(topics.heartbeats(), AclOperation.WRITE);
                // Writer nodes create the attempts topic on first start and read it back after a crash.
                g.topic(topics.attempts(), AclOperation.CREATE, AclOperation.WRITE, AclOperation.READ,
                        AclOperation.DESCRIBE_CONFIGS);
                // Writer nodes create the cancels topic on first start and read all of it.
                g.topic(topics.cancels(), AclOperation.CREATE, AclOperation.READ);
                g.prefixed(ResourceType.GROUP, prefix, AclOperation.READ, AclOperation.DESCRIBE);
                g.prefixed(ResourceType.TRANSACTIONAL_ID, prefix + "writer.", AclOperation.WRITE, AclOperation.DESCRIBE);
            }
            case reader -> g.topic(topics.monitor(), AclOperation.WRITE);
            case admin -> {
                g.prefixed(ResourceType.TOPIC, prefix, AclOperation.ALL);
                g.prefixed(ResourceType.GROUP, prefix, AclOperation.ALL);
                // The coordinator checks the replication of Kafka's internal topics and the broker
                // settings they are made from: read-only, and nothing of another tenant's.
                for (String internal : List.of("__consumer_offsets", "__transaction_state")) {
                    g.topic(internal, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
                }
                g.add(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                        AclOperation.DESCRIBE_CONFIGS);
            }
            default -> throw new IllegalStateException("no ACLs for role " + this);
        }
        return g.bindings;
    }

    private static final class Grants {
        private final String principal;
        private final List<AclBinding> bindings = new ArrayList<>();

        Grants(String principal) {
            this.principal = principal;
        }

        void topic(String name, AclOperation... ops) {
            add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), ops);
        }

        void prefixed(ResourceType type, String prefix, AclOperation... ops) {
            add(new ResourcePattern(type, prefix, PatternType.PREFIXED), ops);
        }

        private void add(ResourcePattern pattern, AclOperation... ops) {
            for (AclOperation op : ops) {
                bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
            }
        }
    }
}
