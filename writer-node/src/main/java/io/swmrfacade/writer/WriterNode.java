package io.swmrfacade.writer;

import io.swmrfacade.metrics.PrometheusEndpoint;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.writer.internal.Heartbeats;
import io.swmrfacade.writer.internal.KafkaClients;
import io.swmrfacade.writer.internal.TaskLoop;
import io.swmrfacade.writer.internal.TaskLoopBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running writer node: consumes tasks, runs them, and is the single writer of its SWMR file.
 *
 * <p>{@link #start} returns once the file is open (or throws if it cannot be); the node then works
 * on its own threads until {@link #close(Duration)}. Thread-safe.
 */
public final class WriterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriterNode.class);

    private final WriterConfig config;
    private final TaskLoop loop;
    private final Thread thread;
    private final Heartbeats heartbeats;
    private final PrometheusEndpoint metrics;

    private WriterNode(WriterConfig config, TaskLoop loop, Heartbeats heartbeats, PrometheusEndpoint metrics) {
        this.config = config;
        this.loop = loop;
        this.heartbeats = heartbeats;
        this.metrics = metrics;
        this.thread = new Thread(loop, "sf-writer-loop");
    }

    /**
     * Opens (or recovers) the file and starts the node.
     *
     * @throws io.swmrfacade.swmr.SwmrFileException if the file cannot be opened for writing
     */
    public static WriterNode start(WriterConfig config, Clock clock) {
        return start(config, clock, List.of());
    }

    /**
     * As {@link #start(WriterConfig, Clock)}, with handlers given in code besides the built-ins and plugins.
     *
     * @throws java.io.UncheckedIOException naming the address if {@link WriterConfig#METRICS_PORT} cannot be bound
     */
    public static WriterNode start(WriterConfig config, Clock clock, List<TaskHandler> handlers) {
        long startCalled = System.currentTimeMillis();
        // First, so that a taken port fails the start before the file is opened.
        PrometheusEndpoint metrics = config.metricsPort() == PrometheusEndpoint.OFF ? null
                : PrometheusEndpoint.start(config.getString(WriterConfig.METRICS_ADDRESS), config.metricsPort());
        try {
            return start(config, clock, handlers, startCalled, metrics);
        } catch (RuntimeException | Error e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
    }

    private static WriterNode start(WriterConfig config, Clock clock, List<TaskHandler> handlers, long startCalled,
                                    PrometheusEndpoint metrics) {
        // Opening the file (HDF5's native library) and making the Kafka clients (their classes)
        // take most of a cold start and need nothing from each other: do them side by side.
        CompletableFuture<KafkaClients> clients = CompletableFuture.supplyAsync(() -> new KafkaClients(config), r -> {
            Thread t = new Thread(r, "sf-start-clients");
            t.setDaemon(true);
            t.start();
        });
        SwmrWriter file;
        try {
            file = SwmrWriter.open(config.file(), config.nodeId(), clock);
        } catch (RuntimeException | Error e) {
            clients.thenAccept(KafkaClients::close);
            throw e;
        }
        long fileOpened = System.currentTimeMillis();
        KafkaClients kafka = null;
        TaskLoop loop;
        try {
            kafka = await(clients);
            loop = new TaskLoopBuilder(config, clock).handlers(handlers).startedAt(startCalled, fileOpened)
                    .metrics(metrics == null ? null : metrics.registry()).build(kafka, file);
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            file.close();
            throw e;
        }
        WriterNode node = new WriterNode(config, loop, new Heartbeats(config, clock, loop, file), metrics);
        node.thread.start();
        LOG.info("[{}] writer node started on {} (file {})", config.nodeId(), config.bootstrap(), config.file());
        if (metrics != null) {
            LOG.info("[{}] metrics on http://{}:{}/metrics", config.nodeId(), config.getString(WriterConfig.METRICS_ADDRESS),
                    metrics.port());
        }
        return node;
    }

    private static KafkaClients await(CompletableFuture<KafkaClients> clients) {
        try {
            return clients.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    public String nodeId() {
        return config.nodeId();
    }

    public Path file() {
        return config.file();
    }

    /** The bound port of the Prometheus endpoint, or {@link PrometheusEndpoint#OFF} when metrics are off. */
    public int metricsPort() {
        return metrics == null ? PrometheusEndpoint.OFF : metrics.port();
    }

    public long tasksDone() {
        return loop.tasksDone();
    }

    /** Why the node stopped on its own, or null. */
    public Throwable failure() {
        return loop.failure();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Waits until the node stops on its own or {@code timeout} passes; returns whether it stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /**
     * Stops taking tasks, lets running ones finish within the configured shutdown timeout (those
     * still running are handed back to Kafka), publishes what finished and closes the file
     * cleanly. Returns within {@code timeout}, stopped or not.
     */
    public void close(Duration timeout) {
        loop.stop();
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("[{}] writer loop still running after {} ms", config.nodeId(), timeout.toMillis());
        }
        heartbeats.close();
        if (metrics != null) {
            metrics.close();
        }
    }

    /** {@link #close(Duration)} with the shutdown timeout plus 10 s for Kafka and the file. */
    @Override
    public void close() {
        close(config.shutdownTimeout().plus(Duration.ofSeconds(10)));
    }

}
