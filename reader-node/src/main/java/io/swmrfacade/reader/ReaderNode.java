package io.swmrfacade.reader;

import io.swmrfacade.metrics.PrometheusEndpoint;
import io.swmrfacade.reader.internal.FollowLoop;
import io.swmrfacade.reader.internal.MonitorPublisher;
import io.swmrfacade.reader.internal.ReaderMetrics;
import io.swmrfacade.reader.internal.StatusServer;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reader node: follows a SWMR file live, read-only, through new rows, new segments after a
 * rollover and writer restarts, and reports what it sees on the console, over HTTP and to the
 * monitor topic.
 *
 * <p>One daemon thread polls the file every {@link ReaderConfig#POLL_MS} and prints at most one
 * line per {@link ReaderConfig#REPORT_MS}; Kafka publishing and HTTP run on threads of their own,
 * so neither a slow broker nor a slow browser delays the polling. When the node cannot follow its
 * file (it does not appear in time, is not a swmr-facade file, is corrupt) the thread prints one
 * ERROR line and ends; {@link #failure()} then says why, and HTTP keeps serving the FAILED state
 * until {@link #close()}.
 *
 * <p>All methods are thread-safe. Only {@link #start} and {@link #close(Duration)} block, each
 * for a bounded time.
 */
public final class ReaderNode implements AutoCloseable {

    /** How long {@link #close()} waits. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ReaderNode.class);

    private final ReaderId id;
    private final FollowLoop loop;
    private final Thread thread;
    private final StatusServer server;
    private final MonitorPublisher monitor;
    private final PrometheusEndpoint metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReaderNode(ReaderId id, FollowLoop loop, StatusServer server, MonitorPublisher monitor, PrometheusEndpoint metrics) {
        this.id = id;
        this.loop = loop;
        this.server = server;
        this.monitor = monitor;
        this.metrics = metrics;
        this.thread = new Thread(loop, id + "-follow");
        this.thread.setDaemon(true);
    }

    /**
     * Starts following {@code config}'s file. Returns at once: the file need not exist yet. Binds
     * the HTTP port (if enabled) before returning, so {@link #port()} is known.
     *
     * @param clock   stamps snapshots and console lines, and paces the report throttle and open timeout
     * @param console receives the report lines; written from the follow thread only
     * @throws java.io.UncheckedIOException if the HTTP port cannot be bound
     */
    public static ReaderNode start(ReaderConfig config, Clock clock, PrintStream console) {
        ReaderId id = config.readerId();
        MonitorPublisher monitor = config.monitorEnabled()
                ? MonitorPublisher.start(id, config.topics().monitor(), config.bootstrap(), config.kafkaOverrides())
                : null;
        Consumer<Snapshot> onReport = monitor == null ? s -> { } : monitor::offer;
        FollowLoop loop = new FollowLoop(id, config.file(), config.pollInterval(), config.reportInterval(),
                config.openTimeout(), clock, console, onReport, config.windowSeconds(), config.windowSamples());
        StatusServer server = null;
        PrometheusEndpoint metrics = null;
        try {
            if (config.httpPort() != ReaderConfig.HTTP_OFF) {
                server = StatusServer.start(id, config.httpAddress(), config.httpPort(), loop, config.stallAfter());
            }
            if (config.metricsPort() != ReaderConfig.HTTP_OFF) {
                metrics = PrometheusEndpoint.start(config.httpAddress(), config.metricsPort());
                new ReaderMetrics(metrics.registry(), loop);
            }
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (monitor != null) {
                monitor.close(DEFAULT_CLOSE_TIMEOUT);
            }
            throw e;
        }
        ReaderNode node = new ReaderNode(id, loop, server, monitor, metrics);
        node.thread.start();
        LOG.info("[{}] started on {} (poll {} ms, HTTP {}, monitor {})", id, config.file(),
                config.pollInterval().toMillis(), server == null ? "off" : "port " + server.port(),
                monitor == null ? "off" : config.topics().monitor());
        return node;
    }

    public ReaderId id() {
        return id;
    }

    /** What the node has seen so far; a fresh immutable value, never null. Does not block. */
    public Snapshot snapshot() {
        return loop.snapshot();
    }

    /** The bound HTTP port, or {@link ReaderConfig#HTTP_OFF} when HTTP is off. */
    public int port() {
        return server == null ? ReaderConfig.HTTP_OFF : server.port();
    }

    /** The bound Prometheus endpoint port, or {@link ReaderConfig#HTTP_OFF} when metrics are off. */
    public int metricsPort() {
        return metrics == null ? ReaderConfig.HTTP_OFF : metrics.port();
    }

    /** Why the node stopped following its file, if it did. Does not block. */
    public Optional<ReaderException> failure() {
        return Optional.ofNullable(loop.failure());
    }

    /**
     * Waits up to {@code timeout} for the follow thread to end, which it does only on a failure or
     * on {@link #close}. Returns whether it has ended.
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /**
     * Stops polling, closes the file, the HTTP server and the monitor producer, waiting at most
     * {@code timeout} in all. Idempotent.
     */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        loop.stop();
        thread.interrupt();
        try {
            thread.join(Math.max(1, remainingMillis(deadline)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("[{}] follow thread did not stop within {} ms; leaving it to end by itself", id, timeout.toMillis());
        }
        if (server != null) {
            server.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (monitor != null) {
            monitor.close(Duration.ofMillis(remainingMillis(deadline)));
        }
        LOG.info("[{}] closed", id);
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
