package io.swmrfacade.coordinator;

import io.swmrfacade.coordinator.internal.CoordinatorMetrics;
import io.swmrfacade.coordinator.internal.ReplicationCheck;
import io.swmrfacade.coordinator.internal.StatusServer;
import io.swmrfacade.coordinator.internal.TopicManager;
import io.swmrfacade.metrics.PrometheusEndpoint;
import io.swmrfacade.topology.TopicSpec;
import io.swmrfacade.topology.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
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
    private static final long RETRY_PAUSE_MS = 1_000;

    private final CoordinatorConfig config;
    private final Checks checks;
    private final StateTable table;
    private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private final Thread thread;
    private final StatusServer http;
    private final PrometheusEndpoint metricsEndpoint;
    private final CoordinatorMetrics metrics;
    private volatile boolean stopped;

    private Coordinator(CoordinatorConfig config, Checks checks, StateTable table, StatusServer http,
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
        // Fetch in batches, at most 100 ms late: woken by every journal record, this reader alone
        // cost the broker a request per task at a trickle, and each task's round trip 0.4 ms
        // (1.71-1.77 against 1.27-1.35 ms p50 at 1,000 tasks/s, docs/BENCHMARKS.md). Counts lag
        // by up to that much; at full speed the table takes fewer, larger polls.
        p.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(p, new ByteBufferDeserializer(), new ByteBufferDeserializer()); // read in place, not copied
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
        Checks checks = ensureTopics(config, timeout);
        StateTable table = new StateTable(topics, clock, config.getLong(CoordinatorConfig.WORKER_TIMEOUT_MS),
                config.getInt(CoordinatorConfig.FINISHED_KEPT));
        StatusServer http = null;
        int port = config.getInt(CoordinatorConfig.HTTP_PORT);
        if (port >= 0) {
            try {
                http = new StatusServer(config.getString(CoordinatorConfig.HTTP_ADDRESS), port, table);
                LOG.info("status API on http://{}:{}/api/summary", config.getString(CoordinatorConfig.HTTP_ADDRESS), http.port());
            } catch (IOException e) {
                throw new CoordinatorException("cannot serve the status API on "
                        + config.getString(CoordinatorConfig.HTTP_ADDRESS) + ":" + port + ": " + e.getMessage(), e);
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

    /** What {@link #ensureTopics} found: the installation's topics, and the broker's internal ones. */
    private record Checks(List<TopicCheck> topics, List<TopicCheck> internal) {
    }

    /**
     * Counts the brokers, chooses the replication factor (the configured one, or what the cluster
     * allows), then creates and checks the installation's topics and checks the broker's own.
     */
    private static Checks ensureTopics(CoordinatorConfig config, Duration timeout) {
        Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Admin admin = Admin.create(p)) {
            DescribeClusterResult cluster = admin.describeCluster();
            int brokers = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            Node controller = cluster.controller().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            short replication = replication(config, brokers);
            List<TopicSpec> specs = TopicSpec.forInstallation(config.topics(), config.getInt(CoordinatorConfig.PARTITIONS),
                    replication, Duration.ofMillis(config.getLong(CoordinatorConfig.RETENTION_MS)));
            List<TopicCheck> checks = new TopicManager(admin, timeout.toMillis()).ensure(specs, brokers);
            List<TopicCheck> internal = new ReplicationCheck(admin, timeout.toMillis())
                    .internalTopics(brokers, controller == null ? -1 : controller.id());
            LOG.info("{} broker(s): topics have replication factor {} and min.insync.replicas {}", brokers, replication,
                    TopicSpec.minInsyncReplicas(replication));
            for (TopicCheck c : checks) {
                if (c.created()) {
                    LOG.info("created topic {}", c.topic());
                } else if (!c.ok()) {
                    LOG.error("topic {} does not match its spec: {}", c.topic(), String.join("; ", c.problems()));
                }
            }
            for (TopicCheck c : internal) {
                if (!c.ok()) {
                    LOG.error("broker topic {}: {}", c.topic(), String.join("; ", c.problems()));
                }
            }
            return new Checks(checks, internal);
        } catch (TimeoutException e) {
            throw new CoordinatorException("no Kafka broker answered at " + config.bootstrap() + " within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new CoordinatorException("cannot create or check topics at " + config.bootstrap() + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorException("interrupted while checking topics", e);
        }
    }

    private static short replication(CoordinatorConfig config, int brokers) {
        short configured = config.getShort(CoordinatorConfig.REPLICATION);
        if (configured == 0) {
            return TopicSpec.replicationFor(brokers);
        }
        if (configured > brokers) {
            throw new CoordinatorException(CoordinatorConfig.REPLICATION + "=" + configured + " needs at least " + configured
                    + " brokers; the cluster at " + config.bootstrap() + " has " + brokers);
        }
        return configured;
    }

    /**
     * Folds the event stream into the table until closed. A broker failure surfaces here as a
     * Kafka error at worst (a metadata timeout while no broker answers): the loop logs it and
     * tries again after a pause, so the coordinator keeps its table through any outage.
     */
    private void follow() {
        try {
            List<TopicPartition> parts = partitionsToFollow();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            JournalFirst journalFirst = new JournalFirst(config.topics());
            journalFirst.beforeFirstPoll(consumer);
            long nextReport = System.currentTimeMillis();
            while (!stopped) {
                try {
                    table.applyAll(journalFirst.admit(consumer, consumer.poll(Duration.ofMillis(200))));
                } catch (KafkaException e) {
                    if (e instanceof WakeupException w) {
                        throw w;
                    }
                    LOG.warn("coordinator: reading the topics failed ({}); trying again in {} ms", e.toString(), RETRY_PAUSE_MS);
                    Thread.sleep(RETRY_PAUSE_MS);
                }
                if (metrics != null) {
                    metrics.consumerLag(parts.stream().mapToLong(tp -> consumer.currentLag(tp).orElse(0)).sum());
                }
                if (System.currentTimeMillis() >= nextReport) {
                    LOG.info("{}", table.summary());
                    nextReport = System.currentTimeMillis() + config.getLong(CoordinatorConfig.REPORT_MS);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("coordinator stopped following the topics: {}", e.toString(), e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Every partition of the topics the table is folded from; waits for the metadata while no broker answers. */
    private List<TopicPartition> partitionsToFollow() throws InterruptedException {
        while (true) {
            try {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic : table.sources()) {
                    for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                        parts.add(new TopicPartition(topic, info.partition()));
                    }
                }
                return parts;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (stopped) {
                    throw new WakeupException();
                }
                LOG.warn("coordinator: no partition metadata within 10 s ({}); trying again", e.getMessage());
            }
        }
    }

    /** What the coordinator found for each topic of the installation when it started. */
    public List<TopicCheck> topicChecks() {
        return checks.topics();
    }

    /**
     * What it found for the broker's own {@code __consumer_offsets} and {@code __transaction_state}:
     * a problem when they are replicated less than the cluster allows.
     */
    public List<TopicCheck> brokerTopicChecks() {
        return checks.internal();
    }

    public Summary summary() {
        return table.summary();
    }

    /**
     * The task while it is SUBMITTED or RUNNING, or among the latest finished
     * ({@link CoordinatorConfig#FINISHED_KEPT}); null for one never seen or finished longer ago.
     */
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
