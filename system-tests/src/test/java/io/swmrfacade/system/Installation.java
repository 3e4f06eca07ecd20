package io.swmrfacade.system;

import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of one installation, in this JVM, on the shared cluster under a fresh topic prefix;
 * or ({@link #runningElsewhere}) the address of one whose processes run in another JVM.
 */
final class Installation implements AutoCloseable {

    final String prefix;
    final String bootstrap;
    /** The Kafka client security settings of the coordinator and of the tests' own reads: none on a plaintext cluster. */
    final Map<String, Object> login;
    /** This JVM's coordinator; null for an installation running elsewhere. */
    final Coordinator coordinator;

    Installation(String name, int partitions) {
        this(SharedKafka.bootstrap(), name, partitions);
    }

    /** An installation on the cluster at {@code bootstrap} instead of the shared one. */
    Installation(String bootstrap, String name, int partitions) {
        this(bootstrap, Map.of(), name, partitions);
    }

    /** An installation on a secure cluster, its coordinator logged in with {@code login}. */
    Installation(String bootstrap, Map<String, Object> login, String name, int partitions) {
        this.bootstrap = bootstrap;
        this.login = Map.copyOf(login);
        this.prefix = SharedKafka.freshPrefix(name);
        Map<String, Object> c = new HashMap<>(login);
        c.put(ClusterConfig.BOOTSTRAP, bootstrap);
        c.put(ClusterConfig.TOPIC_PREFIX, prefix);
        c.put(CoordinatorConfig.PARTITIONS, partitions);
        this.coordinator = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30));
    }

    private Installation(String bootstrap, String prefix) {
        this.bootstrap = bootstrap;
        this.login = Map.of();
        this.prefix = prefix;
        this.coordinator = null;
    }

    /** The plaintext installation under {@code prefix} whose coordinator runs in another JVM. */
    static Installation runningElsewhere(String bootstrap, String prefix) {
        return new Installation(bootstrap, prefix);
    }

    Map<String, Object> writerSettings(Path file, String id) {
        Map<String, Object> w = new HashMap<>();
        w.put(ClusterConfig.BOOTSTRAP, bootstrap);
        w.put(ClusterConfig.TOPIC_PREFIX, prefix);
        w.put(WriterConfig.FILE, file.toString());
        w.put(WriterConfig.ID, id);
        w.put(WriterConfig.GROUP, prefix + "writers");
        return w;
    }

    WriterNode writer(Path file, String id) {
        return WriterNode.start(new WriterConfig(writerSettings(file, id)), Clock.systemUTC());
    }

    /** Waits until the writers' group has {@code members} members, each with partitions assigned. */
    void awaitWritersAssigned(int members) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            org.awaitility.Awaitility.await().alias(members + " writers with partitions").atMost(Duration.ofSeconds(60)).until(() -> {
                org.apache.kafka.clients.admin.ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(prefix + "writers"))
                        .all().get().get(prefix + "writers");
                return g.members().size() == members
                        && g.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            });
        }
    }

    TaskFacade.Builder facade() {
        return TaskFacade.builder().bootstrap(bootstrap).topicPrefix(prefix);
    }

    @Override
    public void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }
}
