package io.swmrfacade.reader.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a reader's status with the JDK's HTTP server: {@code GET /api/status} is the snapshot
 * as JSON, {@code GET /} a self-contained live page (no external scripts) that polls it.
 *
 * <p>Requests are handled on two daemon threads of its own; they only read the current
 * snapshot, so a slow client never holds up the follow thread.
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
     * Binds and starts serving.
     *
     * @throws UncheckedIOException if the address cannot be bound (port in use, say)
     */
    public static StatusServer start(ReaderId id, String address, int port, Supplier<Snapshot> snapshots) {
        byte[] page = loadPage();
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
                () -> StatusJson.toJson(snapshots.get()), true));
        server.createContext("/", ex -> respond(ex, "text/html; charset=utf-8", () -> page,
                ex.getRequestURI().getPath().equals("/") || ex.getRequestURI().getPath().equals("/index.html")));
        server.start();
        LOG.info("[{}] status page on http://{}:{}/", id, address, server.getAddress().getPort());
        return new StatusServer(server, executor);
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

    private static byte[] loadPage() {
        try (InputStream in = StatusServer.class.getResourceAsStream(PAGE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("status page resource " + PAGE_RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops at once: open exchanges are cut, the handler threads end. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
