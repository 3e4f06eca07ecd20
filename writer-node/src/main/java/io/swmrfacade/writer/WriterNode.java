package io.swmrfacade.writer;

import io.micrometer.core.instrument.FunctionCounter;
import io.swmrfacade.metrics.PrometheusEndpoint;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.writer.internal.Heartbeats;
import io.swmrfacade.writer.internal.KafkaClients;
import io.swmrfacade.writer.internal.LoopRestarts;
import io.swmrfacade.writer.internal.TaskLoop;
import io.swmrfacade.writer.internal.TaskLoopBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running writer node: consumes tasks, runs them, and is the single writer of its SWMR file.
 *
 * <p>{@link #start} returns once the file is open (or throws if it cannot be); the node then works
 * on its own threads until {@link #close(Duration)}. A task loop that stops on a failure a new
 * loop can get past (its transactions fenced by the node that took its partitions while this one
 * was cut off, a commit whose outcome stayed unknown, a retriable Kafka error) is started again in
 * this process from the file, as a restarted process would be, within the limits of
 * {@link LoopRestarts}. Thread-safe.
 */
public final class WriterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriterNode.class);

    /** One task loop over one opening of the file. */
    private record Generation(TaskLoop loop, SwmrWriter file) {
    }

    private final WriterConfig config;
    private final Clock clock;
    private final List<TaskHandler> handlers;
    private final PrometheusEndpoint metrics;
    private final Thread thread;
    private final Heartbeats heartbeats;
    private final LoopRestarts restarts = new LoopRestarts();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Object lock = new Object();
    private volatile Generation current;
    private volatile long doneBefore;
    private volatile Throwable failure;

    private WriterNode(WriterConfig config, Clock clock, List<TaskHandler> handlers, Generation first, PrometheusEndpoint metrics) {
        this.config = config;
        this.clock = clock;
        this.handlers = handlers;
        this.metrics = metrics;
        this.current = first;
        registerRestartMeter();
        this.heartbeats = new Heartbeats(config, clock, new Heartbeats.Source() {
            @Override
            public int running() {
                return current.loop().running();
            }

            @Override
            public Map<String, Integer> runningByType() {
                return current.loop().runningByType();
            }

            @Override
            public long tasksDone() {
                return WriterNode.this.tasksDone();
            }

            @Override
            public long lastRowFlushUs() {
                return current.file().lastRowFlushUs();
            }
        });
        this.thread = new Thread(this::runLoops, "sf-writer-loop");
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
        WriterNode node;
        try {
            node = new WriterNode(config, clock, List.copyOf(handlers), open(config, clock, handlers, startCalled, metrics), metrics);
        } catch (RuntimeException | Error e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
        node.thread.start();
        LOG.info("[{}] writer node started on {} (file {})", config.nodeId(), config.bootstrap(), config.file());
        if (metrics != null) {
            LOG.info("[{}] metrics on http://{}:{}/metrics", config.nodeId(), config.getString(WriterConfig.METRICS_ADDRESS),
                    metrics.port());
        }
        return node;
    }

    private static Generation open(WriterConfig config, Clock clock, List<TaskHandler> handlers, long startCalled,
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
        try {
            kafka = await(clients);
            TaskLoop loop = new TaskLoopBuilder(config, clock).handlers(handlers).startedAt(startCalled, fileOpened)
                    .metrics(metrics == null ? null : metrics.registry()).build(kafka, file);
            return new Generation(loop, file);
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            file.close();
            throw e;
        }
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

    /** The loop thread: runs task loops, one after another while a stopped one may be started again. */
    private void runLoops() {
        Generation g = current;
        while (true) {
            g.loop().run();
            Throwable stopped = g.loop().failure();
            doneBefore += g.loop().tasksDone();
            if (stopped == null || closing.getCount() == 0 || !LoopRestarts.restartable(stopped)) {
                failure = stopped;
                return;
            }
            Optional<Duration> wait = restarts.next();
            if (wait.isEmpty()) {
                failure = new WriterNodeException(LoopRestarts.givingUp() + "; the last stop: " + stopped.getMessage(), stopped);
                LOG.error("[{}] {}", config.nodeId(), failure.getMessage());
                return;
            }
            LOG.warn("[{}] starting the task loop again from {} in {} ms (restart {}): it stopped on {}", config.nodeId(),
                    config.file(), wait.get().toMillis(), restarts.total(), stopped.toString());
            try {
                if (closing.await(wait.get().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                if (metrics != null) {
                    // The stopped loop's meters point at its parts: the new loop registers its own.
                    metrics.registry().clear();
                    registerRestartMeter();
                }
                g = open(config, clock, handlers, System.currentTimeMillis(), metrics);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                failure = e;
                LOG.error("[{}] the task loop could not start again: {}", config.nodeId(), e.toString(), e);
                return;
            }
            synchronized (lock) {
                current = g;
                if (closing.getCount() == 0) {
                    g.loop().stop();
                }
            }
        }
    }

    private void registerRestartMeter() {
        if (metrics != null) {
            FunctionCounter.builder("sf.writer.loop.restarts", restarts, LoopRestarts::total)
                    .description("Task loops started again in this process after a fenced or unknown commit")
                    .register(metrics.registry());
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
        return doneBefore + current.loop().tasksDone();
    }

    /** How many times the task loop was started again in this process. */
    public long loopRestarts() {
        return restarts.total();
    }

    /** Why the node stopped on its own, or null. */
    public Throwable failure() {
        return failure;
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
        synchronized (lock) {
            closing.countDown();
            current.loop().stop();
        }
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
