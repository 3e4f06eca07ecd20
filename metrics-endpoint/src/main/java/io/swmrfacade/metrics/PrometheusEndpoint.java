package io.swmrfacade.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Prometheus registry and the HTTP endpoint that serves it: {@code GET /metrics} returns the
 * text exposition format. One per process; the process registers its meters on {@link #registry()}.
 *
 * <p>Thread-safe. Scrapes are answered on one daemon thread of its own, so a slow scraper
 * delays only the next scrape.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    /** The flag and config value that turns the endpoint off. */
    public static final int OFF = -1;

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpServer server;
    private final ExecutorService executor;

    private PrometheusEndpoint(String host, int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(host, port), 8);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sf-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", this::scrape);
        server.start();
    }

    /**
     * Serves on {@code host:port} ({@code port} 0: any free port).
     *
     * @throws UncheckedIOException naming the address if it cannot be bound
     * @throws IllegalArgumentException if {@code port} is not 0..65535
     */
    public static PrometheusEndpoint start(String host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port must be 0..65535 (or -1 for off), not " + port);
        }
        try {
            return new PrometheusEndpoint(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The bound port (the one chosen when started with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** What a scrape returns now. */
    public String scrapeText() {
        return registry.scrape();
    }

    private void scrape(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving at once (an in-flight scrape may be cut) and closes the registry. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        registry.close();
    }
}
