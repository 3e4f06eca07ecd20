package io.swmrfacade.coordinator.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.coordinator.StateTable;
import io.swmrfacade.coordinator.Summary;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

/** The coordinator's status API, JSON over HTTP on the configured address (loopback by default). */
public final class StatusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    public StatusServer(String address, int port, StateTable table) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sf-coordinator-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/api/summary", ex -> reply(ex, 200, table.summary()));
        server.createContext("/api/workers", ex -> reply(ex, 200, table.workers()));
        server.createContext("/api/tasks/", ex -> {
            String id = ex.getRequestURI().getPath().substring("/api/tasks/".length());
            Object task = table.task(id);
            reply(ex, task == null ? 404 : 200, task == null ? Map.of("error", notHeld(id, table)) : task);
        });
        server.start();
    }

    /**
     * Why a task is not answered: the table holds every open task but only the latest finished
     * ones, so an id it does not hold may be unknown or may have finished longer ago.
     */
    static String notHeld(String id, StateTable table) {
        Summary s = table.summary();
        return "no task " + id + " among the " + s.tasksHeld() + " held (every SUBMITTED or RUNNING task and the latest "
                + table.finishedKept() + " finished); " + s.tasksForgotten() + " tasks that finished before them are counted"
                + " but no longer held (" + CoordinatorConfig.FINISHED_KEPT + ")";
    }

    private static void reply(HttpExchange ex, int code, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
