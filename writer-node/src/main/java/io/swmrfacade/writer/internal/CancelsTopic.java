package io.swmrfacade.writer.internal;

import io.swmrfacade.topology.TopicSpec;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNodeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.LogContext;

/**
 * Creates the cancels topic when it is missing ({@link TopicSpec#cancels}): one partition,
 * replicated like the tasks topic and kept as long as it keeps tasks. Several nodes racing to
 * create it is fine.
 */
final class CancelsTopic {

    private CancelsTopic() {
    }

    /** The tasks topic's retention.ms; seven days (Kafka's default) if it cannot be read, with a warning. */
    private static String retention(Admin admin, String tasks, LogContext logs) throws InterruptedException, TimeoutException {
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, tasks);
        try {
            Config c = admin.describeConfigs(List.of(res)).all().get(TasksTopic.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(res);
            ConfigEntry retention = c.get(TopicConfig.RETENTION_MS_CONFIG);
            if (retention != null && retention.value() != null) {
                return retention.value();
            }
        } catch (ExecutionException e) {
            logs.logger(CancelsTopic.class).warn("cannot read the retention of {} ({}); the cancels topic keeps 7 days",
                    tasks, e.getCause() == null ? e.toString() : e.getCause().toString());
        }
        return Long.toString(Duration.ofDays(7).toMillis());
    }

    /**
     * @param tasks the tasks topic ({@link TasksTopic#await})
     * @throws WriterNodeException if the broker does not answer in time
     */
    static void ensure(Admin admin, TopicDescription tasks, WriterConfig config, LogContext logs) {
        String cancels = config.topics().cancels();
        try {
            if (TasksTopic.describe(admin, cancels) != null) {
                return;
            }
            TopicSpec spec = TopicSpec.cancels(config.topics(), (short) tasks.partitions().get(0).replicas().size(),
                    retention(admin, tasks.name(), logs));
            try {
                admin.createTopics(List.of(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                        .configs(spec.config()))).all().get(TasksTopic.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                logs.logger(CancelsTopic.class).info("created topic {} (retention.ms {})", cancels, spec.config().get(TopicConfig.RETENTION_MS_CONFIG));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new WriterNodeException("cannot check or create topic " + cancels + " at " + config.bootstrap() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriterNodeException("interrupted while creating topic " + cancels, e);
        }
    }
}
