package io.swmrfacade.monitor.internal;

import com.sun.net.httpserver.HttpExchange;
import io.swmrfacade.charts.LiveCharts;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The monitor's page over the JDK's HTTP server: {@code GET /} a self-contained page (its chart
 * code inlined, no external scripts: monitor hosts often have no internet), {@code /api/view} and
 * {@code /api/history} the views as JSON. Two daemon threads; handlers only read prepared views.
 */
public final class PageServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private PageServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @throws UncheckedIOException if {@code address:port} cannot be bound */
    public static PageServer start(String address, int port, Supplier<byte[]> view, Supplier<byte[]> history) {
        byte[] page = page();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the monitor page on " + address + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sf-monitor-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/view", ex -> respond(ex, "application/json", view));
        server.createContext("/api/history", ex -> respond(ex, "application/json", history));
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/") || path.equals("/index.html")) {
                respond(ex, "text/html; charset=utf-8", () -> page);
            } else {
                try (ex) {
                    ex.sendResponseHeaders(404, -1);
                }
            }
        });
        server.start();
        return new PageServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, String type, Supplier<byte[]> body) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.get();
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** monitor.html with the shared chart script inlined: one self-contained document. */
    static byte[] page() {
        return LiveCharts.page(PageServer.class, "monitor.html");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
