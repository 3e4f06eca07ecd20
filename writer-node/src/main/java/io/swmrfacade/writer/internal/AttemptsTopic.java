package io.swmrfacade.writer.internal;

import io.swmrfacade.topology.TopicSpec;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNodeException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.LogContext;

/**
 * Creates the attempts topic when it is missing, mirroring the tasks topic's partitions and
 * replication ({@link TopicSpec#attempts}); several nodes racing to create it is fine.
 */
final class AttemptsTopic {

    private AttemptsTopic() {
    }

    /**
     * @param tasks the tasks topic ({@link TasksTopic#await})
     * @throws WriterNodeException if the attempts topic has fewer partitions than the tasks topic,
     *     or the broker does not answer in time
     */
    static void ensure(Admin admin, TopicDescription tasks, WriterConfig config, LogContext logs) {
        String attempts = config.topics().attempts();
        try {
            TopicDescription a = TasksTopic.describe(admin, attempts);
            if (a == null) {
                TopicSpec spec = TopicSpec.attempts(config.topics(), tasks.partitions().size(),
                        (short) tasks.partitions().get(0).replicas().size());
                try {
                    admin.createTopics(List.of(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                            .configs(spec.config()))).all().get(TasksTopic.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    logs.logger(AttemptsTopic.class).info("created topic {} with {} partitions", attempts, spec.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            } else if (a.partitions().size() < tasks.partitions().size()) {
                throw new WriterNodeException("topic " + attempts + " has " + a.partitions().size() + " partitions, fewer than the "
                        + tasks.partitions().size() + " of " + tasks.name() + "; it needs one per task partition");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new WriterNodeException("cannot check or create topic " + attempts + " at " + config.bootstrap() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriterNodeException("interrupted while creating topic " + attempts, e);
        }
    }
}
