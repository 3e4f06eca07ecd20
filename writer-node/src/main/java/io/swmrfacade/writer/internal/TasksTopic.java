package io.swmrfacade.writer.internal;

import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNodeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * The tasks topic as a starting node sees it. The coordinator creates it; a node started together
 * with (or before) its coordinator waits for it, a bounded time, instead of exiting at once.
 */
final class TasksTopic {

    /** The time limit of each admin call at start-up. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long STEP_MS = 250;

    private TasksTopic() {
    }

    /** An admin client with the node's Kafka settings, whose calls give up after {@link #TIMEOUT}. */
    static Admin admin(WriterConfig config) {
        Map<String, Object> p = KafkaClients.withOverrides(config);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return Admin.create(p);
    }

    /**
     * The tasks topic, once it exists: asks every {@value #STEP_MS} ms, for at most
     * {@code writer.topics.wait.ms}, and says once that it waits.
     *
     * @throws WriterNodeException if the topic still does not exist then, the node is stopping, or
     *     the broker does not answer
     */
    static TopicDescription await(Admin admin, WriterConfig config, BooleanSupplier stopping, LogContext logs) {
        String tasks = config.topics().tasks();
        Duration wait = config.topicsWait();
        long deadline = System.nanoTime() + wait.toNanos();
        Logger log = logs.logger(TasksTopic.class);
        boolean waited = false;
        try {
            for (TopicDescription t; ; Thread.sleep(STEP_MS)) {
                if ((t = describe(admin, tasks)) != null) {
                    if (waited) {
                        log.info("topic {} exists now", tasks);
                    }
                    return t;
                }
                if (System.nanoTime() - deadline >= 0 || stopping.getAsBoolean()) {
                    throw new WriterNodeException("topic " + tasks + " does not exist" + (waited ? " after " + wait.toMillis()
                            + " ms (" + WriterConfig.TOPICS_WAIT_MS + ")" : "") + ": start the coordinator, which creates it");
                }
                if (!waited) {
                    log.info("waiting up to {} ms for topic {} (the coordinator creates it)", wait.toMillis(), tasks);
                    waited = true;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new WriterNodeException("cannot read topic " + tasks + " at " + config.bootstrap() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriterNodeException("interrupted while waiting for topic " + tasks, e);
        }
    }

    /** The topic, or null if it does not exist. */
    static TopicDescription describe(Admin admin, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }
}
