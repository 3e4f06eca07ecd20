package io.swmrfacade.reader.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.swmrfacade.charts.LiveCharts;
import io.swmrfacade.reader.ReaderId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a reader's live page with the JDK's HTTP server: {@code GET /api/status} is the snapshot
 * as JSON with rates, the writer's state and recent failures; {@code GET /api/window?stream=P&px=N}
 * one stream's latest window decimated to N columns (min/max per column), so a page receives only
 * what it draws; {@code GET /api/rates} the last two minutes of rates, one point a second; {@code GET /} a self-contained page (the shared chart script inlined, no
 * external scripts) that polls both.
 *
 * <p>Requests are handled on two daemon threads of its own; they only read values the follow
 * thread publishes, never the file, so a slow client never holds up the follow thread.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final String PAGE_RESOURCE = "status.html";

    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving {@code loop}'s file.
     *
     * @param stallAfter how long a writer that holds the lock may flush nothing before the page calls it stalled
     * @throws UncheckedIOException if the address cannot be bound (port in use, say)
     */
    public static StatusServer start(ReaderId id, String address, int port, FollowLoop loop, Duration stallAfter) {
        byte[] page = LiveCharts.page(StatusServer.class, PAGE_RESOURCE);
        WriterWatch watch = new WriterWatch(loop.file(), stallAfter);
        SignalTap tap = loop.signals();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on " + address + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, id + "-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/status", ex -> respond(ex, "application/json",
                () -> PageJson.status(loop.snapshot(), tap, watch), true));
        server.createContext("/api/window", ex -> window(ex, tap));
        server.createContext("/api/rates", ex -> respond(ex, "application/json", () -> PageJson.rates(tap), true));
        server.createContext("/", ex -> respond(ex, "text/html; charset=utf-8", () -> page,
                ex.getRequestURI().getPath().equals("/") || ex.getRequestURI().getPath().equals("/index.html")));
        server.start();
        LOG.info("[{}] status page on http://{}:{}/", id, address, server.getAddress().getPort());
        return new StatusServer(server, executor);
    }

    /** {@code GET /api/window?stream=PATH&px=N}: the stream's latest window in at most N columns. */
    private static void window(HttpExchange ex, SignalTap tap) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String stream = q.get("stream");
        String px = q.get("px");
        int columns;
        try {
            columns = px == null ? -1 : Integer.parseInt(px);
        } catch (NumberFormatException e) {
            columns = -1;
        }
        if (columns < 1 || columns > PageJson.MAX_COLUMNS) {
            refuse(ex, 400, "px must be a whole number of columns from 1 to " + PageJson.MAX_COLUMNS + ", not '" + px + "'");
            return;
        }
        SignalTap.StreamSignal signal = stream == null ? null : tap.stream(stream);
        if (signal == null) {
            refuse(ex, 404, "stream '" + stream + "' is not in the followed file (yet)");
            return;
        }
        int c = columns;
        respond(ex, "application/json", () -> PageJson.window(signal, c), true);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void refuse(HttpExchange ex, int code, String message) throws IOException {
        try (ex) {
            byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, String type, Supplier<byte[]> body, boolean found) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            if (!found) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.get();
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops at once: open exchanges are cut, the handler threads end. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
