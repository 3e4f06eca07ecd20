package io.swmrfacade.monitor;

import io.swmrfacade.monitor.internal.PageServer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds an {@link InstallationMonitor}'s view every {@link MonitorConfig#REFRESH_MS} on a daemon
 * thread of its own, hands each to a listener (the console), keeps the last two minutes of them
 * for charts, and serves them over HTTP when {@link MonitorConfig#HTTP_PORT} is set: a
 * self-contained live page at {@code /}, {@code /api/view} and {@code /api/history} as JSON.
 *
 * <p>Thread-safe. The listener runs on the view thread; a slow listener delays the next view, not the page.
 */
public final class LiveView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);
    /** Views kept for the page's charts: two minutes at the default refresh. */
    static final int HISTORY = 120;

    private final InstallationMonitor monitor;
    private final long refreshNanos;
    private final Consumer<InstallationView> listener;
    private final Deque<InstallationView> history = new ArrayDeque<>();
    private final PageServer server;
    private final Thread thread;
    private volatile boolean stopped;

    private LiveView(InstallationMonitor monitor, MonitorConfig config, Consumer<InstallationView> listener) {
        this.monitor = monitor;
        this.refreshNanos = config.refresh().toNanos();
        this.listener = listener;
        this.server = config.httpPort() == MonitorConfig.HTTP_OFF ? null
                : PageServer.start(config.httpAddress(), config.httpPort(), this::latestJson, this::historyJson);
        this.thread = new Thread(this::run, "sf-monitor-view");
        this.thread.setDaemon(true);
    }

    /**
     * Starts refreshing; binds the HTTP port first (if set), so {@link #port()} is known on return.
     *
     * @throws java.io.UncheckedIOException if the HTTP address cannot be bound
     */
    public static LiveView start(InstallationMonitor monitor, MonitorConfig config, Consumer<InstallationView> listener) {
        LiveView live = new LiveView(monitor, config, listener);
        live.thread.start();
        return live;
    }

    private void run() {
        while (!stopped) {
            long next = System.nanoTime() + refreshNanos;
            InstallationView v = monitor.view();
            synchronized (history) {
                history.addLast(v);
                if (history.size() > HISTORY) {
                    history.removeFirst();
                }
            }
            try {
                listener.accept(v);
            } catch (RuntimeException e) {
                LOG.warn("the monitor's listener failed: {}", e.toString());
            }
            long wait;
            while (!stopped && (wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /** The views of the last two minutes, oldest first. */
    public List<InstallationView> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private byte[] latestJson() {
        List<InstallationView> h = history();
        return (h.isEmpty() ? "null" : ViewText.json(h.get(h.size() - 1))).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private byte[] historyJson() {
        return ViewText.json(history()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The bound HTTP port, or {@link MonitorConfig#HTTP_OFF}. */
    public int port() {
        return server == null ? MonitorConfig.HTTP_OFF : server.port();
    }

    /** Stops refreshing and serving; waits at most the refresh interval plus the brokers' timeout for the thread. */
    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        if (server != null) {
            server.close();
        }
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(refreshNanos) + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
