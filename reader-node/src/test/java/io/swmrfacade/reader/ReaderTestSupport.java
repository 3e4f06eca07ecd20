package io.swmrfacade.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Shared by the reader's integration tests: configs, a console to inspect, HTTP GETs. */
final class ReaderTestSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReaderTestSupport() {
    }

    /** A reader on {@code file}: 1 ms polls, HTTP on a free local port, no Kafka; {@code extra} wins. */
    static ReaderConfig config(Path file, Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>();
        m.put(ReaderConfig.FILE, file.toString());
        m.put(ReaderConfig.ID, "reader-it");
        m.put(ReaderConfig.POLL_MS, 1);
        m.put(ReaderConfig.REPORT_MS, 100);
        m.put(ReaderConfig.HTTP_PORT, 0);
        m.put(ReaderConfig.HTTP_ADDRESS, "127.0.0.1");
        m.put(ReaderConfig.MONITOR_ENABLED, false);
        m.put(ReaderConfig.OPEN_TIMEOUT_MS, 30_000);
        m.putAll(extra);
        return new ReaderConfig(m);
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode status(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = get(port, "/api/status");
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /api/status answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** A console that keeps what is printed and echoes it to stdout, for the test log. */
    static final class Console {

        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                kept.write(b);
                System.out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                kept.write(b, off, len);
                System.out.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
