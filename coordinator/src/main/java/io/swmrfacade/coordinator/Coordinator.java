package io.swmrfacade.coordinator;

import io.swmrfacade.coordinator.internal.CoordinatorMetrics;
import io.swmrfacade.coordinator.internal.StateTable;
import io.swmrfacade.coordinator.internal.StatusServer;
import io.swmrfacade.coordinator.internal.TopicManager;
import io.swmrfacade.metrics.PrometheusEndpoint;
import io.swmrfacade.topology.TopicSpec;
import io.swmrfacade.topology.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Manager of seed 003, as a control plane: it creates and checks the topics, then folds the
 * event stream into a table of tasks and workers and answers questions about them. Tasks keep
 * flowing while it is down; a restarted coordinator rebuilds its table from the topics.
 *
 * <p>Thread-safe.
 */
public final class Coordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final CoordinatorConfig config;
    private final List<TopicCheck> checks;
    private final StateTable table;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final StatusServer http;
    private final PrometheusEndpoint metricsEndpoint;
    private final CoordinatorMetrics metrics;
    private volatile boolean stopped;

    private Coordinator(CoordinatorConfig config, List<TopicCheck> checks, StateTable table, StatusServer http,
                        PrometheusEndpoint metricsEndpoint) {
        this.config = config;
        this.checks = checks;
        this.table = table;
        this.http = http;
        this.metricsEndpoint = metricsEndpoint;
        this.metrics = metricsEndpoint == null ? null : new CoordinatorMetrics(metricsEndpoint.registry(), table::summary);
        Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::follow, "sf-coordinator");
        this.thread.setDaemon(true);
    }

    /**
     * Ensures the topics exist and checks them, then starts following the event stream.
     *
     * @throws CoordinatorException if the broker cannot be reached within {@code timeout}
     */
    public static Coordinator start(CoordinatorConfig config, Clock clock, Duration timeout) {
        Topics topics = config.topics();
        List<TopicSpec> specs = TopicSpec.forInstallation(topics, config.getInt(CoordinatorConfig.PARTITIONS),
                config.getShort(CoordinatorConfig.REPLICATION), Duration.ofMillis(config.getLong(CoordinatorConfig.RETENTION_MS)));
        List<TopicCheck> checks = ensureTopics(config, specs, timeout);
        StateTable table = new StateTable(topics, clock, config.getLong(CoordinatorConfig.WORKER_TIMEOUT_MS));
        StatusServer http = null;
        int port = config.getInt(CoordinatorConfig.HTTP_PORT);
        if (port >= 0) {
            try {
                http = new StatusServer(port, table);
                LOG.info("status API on http://127.0.0.1:{}/api/summary", http.port());
            } catch (IOException e) {
                throw new CoordinatorException("cannot serve the status API on port " + port + ": " + e.getMessage(), e);
            }
        }
        PrometheusEndpoint metrics = null;
        int metricsPort = config.getInt(CoordinatorConfig.METRICS_PORT);
        if (metricsPort != PrometheusEndpoint.OFF) {
            metrics = PrometheusEndpoint.start("127.0.0.1", metricsPort);
            LOG.info("metrics on http://127.0.0.1:{}/metrics", metrics.port());
        }
        Coordinator c = new Coordinator(config, checks, table, http, metrics);
        c.thread.start();
        return c;
    }

    static List<TopicCheck> ensureTopics(CoordinatorConfig config, List<TopicSpec> specs, Duration timeout) {
        Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Admin admin = Admin.create(p)) {
            List<TopicCheck> checks = new TopicManager(admin, timeout.toMillis()).ensure(specs);
            for (TopicCheck c : checks) {
                if (c.created()) {
                    LOG.info("created topic {}", c.topic());
                } else if (!c.ok()) {
                    LOG.error("topic {} does not match its spec: {}", c.topic(), String.join("; ", c.problems()));
                }
            }
            return checks;
        } catch (TimeoutException e) {
            throw new CoordinatorException("no Kafka broker answered at " + config.bootstrap() + " within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new CoordinatorException("cannot create or check topics at " + config.bootstrap() + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorException("interrupted while checking topics", e);
        }
    }

    private void follow() {
        try {
            Topics t = config.topics();
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(t.events(), t.results(), t.heartbeats(), t.deadLetter())) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    parts.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long nextReport = System.currentTimeMillis();
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    table.apply(r);
                }
                if (metrics != null) {
                    metrics.consumerLag(parts.stream().mapToLong(tp -> consumer.currentLag(tp).orElse(0)).sum());
                }
                if (System.currentTimeMillis() >= nextReport) {
                    LOG.info("{}", table.summary());
                    nextReport = System.currentTimeMillis() + config.getLong(CoordinatorConfig.REPORT_MS);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("coordinator stopped following the topics: {}", e.toString(), e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    public List<TopicCheck> topicChecks() {
        return checks;
    }

    public Summary summary() {
        return table.summary();
    }

    public TaskState task(String taskId) {
        return table.task(taskId);
    }

    public List<WorkerState> workers() {
        return table.workers();
    }

    /** Port of the status API, or -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Port of the Prometheus endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metricsEndpoint == null ? PrometheusEndpoint.OFF : metricsEndpoint.port();
    }

    public void close(Duration timeout) {
        stopped = true;
        consumer.wakeup();
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (http != null) {
            http.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
