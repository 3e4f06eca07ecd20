package io.swmrfacade.writer.internal;

import io.swmrfacade.topology.TopicSpec;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNodeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.LogContext;

/**
 * Creates the attempts topic when it is missing, mirroring the tasks topic's partitions and
 * replication ({@link TopicSpec#attempts}); several nodes racing to create it is fine.
 */
final class AttemptsTopic {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AttemptsTopic() {
    }

    /**
     * @throws WriterNodeException if the tasks topic does not exist, the attempts topic has fewer
     *     partitions than it, or the broker does not answer in time
     */
    static void ensure(WriterConfig config, LogContext logs) {
        Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        String tasks = config.topics().tasks();
        String attempts = config.topics().attempts();
        try (Admin admin = Admin.create(p)) {
            TopicDescription t = describe(admin, tasks);
            if (t == null) {
                throw new WriterNodeException("topic " + tasks + " does not exist: start the coordinator, which creates it");
            }
            TopicDescription a = describe(admin, attempts);
            if (a == null) {
                TopicSpec spec = TopicSpec.attempts(config.topics(), t.partitions().size(),
                        (short) t.partitions().get(0).replicas().size());
                try {
                    admin.createTopics(List.of(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                            .configs(spec.config()))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    logs.logger(AttemptsTopic.class).info("created topic {} with {} partitions", attempts, spec.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            } else if (a.partitions().size() < t.partitions().size()) {
                throw new WriterNodeException("topic " + attempts + " has " + a.partitions().size() + " partitions, fewer than the "
                        + t.partitions().size() + " of " + tasks + "; it needs one per task partition");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new WriterNodeException("cannot check or create topic " + attempts + " at " + config.bootstrap() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriterNodeException("interrupted while creating topic " + attempts, e);
        }
    }

    private static TopicDescription describe(Admin admin, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }
}
