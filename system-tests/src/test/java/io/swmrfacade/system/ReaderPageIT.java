package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.reader.ReaderConfig;
import io.swmrfacade.reader.ReaderNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader's live page in a real browser: a writer process appends a known sine, a reader
 * serves its page, and headless chromium loads it. The test reads what the page drew from the
 * DOM: the scope's envelope turned back into sample values must be the sine's min and max over
 * each column's samples; the rates must be non-zero while appending and zero once it stops; a
 * REJECTED row must be listed with its task id and message; the paused writer must show as
 * stalled.
 */
class ReaderPageIT {

    private static final String STREAM = "/live_survey/MT001/run_001/Ex";
    private static final double RATE_HZ = 1024;
    private static final int CHUNK = 64;
    private static final long PERIOD = 700;
    private static final Pattern SCOPE = Pattern.compile("<svg[^>]*class=\"scope\"[^>]*>.*?</svg>", Pattern.DOTALL);
    private static final Pattern STALLED = Pattern.compile("\"stalled\"\\s*:\\s*true");
    private static final Pattern POLYGON = Pattern.compile("<polygon[^>]*points=\"([^\"]+)\"[^>]*data-trace=\"envelope\"");

    private Path dir;
    private SineWriterProcess writer;
    private ReaderNode reader;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("reader-page-it");
        Path file = dir.resolve("mt.h5");
        writer = SineWriterProcess.start(file, STREAM, RATE_HZ, CHUNK, PERIOD);
        reader = ReaderNode.start(new ReaderConfig(Map.of(ReaderConfig.FILE, file.toString(), ReaderConfig.ID, "reader-page",
                ReaderConfig.HTTP_PORT, 0, ReaderConfig.MONITOR_ENABLED, false, ReaderConfig.WINDOW_SECONDS, 2.0,
                ReaderConfig.STALL_MS, 1500L)), Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()));
    }

    @AfterEach
    void stop() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (writer != null) {
            writer.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void page_draws_the_sine_shows_rates_while_appending_and_zero_after_and_counts_and_lists_the_rejected_and_cancelled_tasks() throws Exception {
        Optional<HeadlessChromium> found = HeadlessChromium.find(dir);
        Assumptions.assumeTrue(found.isPresent(), "chromium is not installed (Debian: apt-get install chromium): page test skipped");
        HeadlessChromium chromium = found.get();
        String url = "http://127.0.0.1:" + reader.port() + "/";

        writer.command("run");
        writer.command("reject t-rejected-1 unknown task type 'nope': no handler registered");
        writer.command("cancel t-cancelled-1 cancelled by ann while it ran");
        // A full window (2 s at 1024 Hz) before looking, so the envelope has more samples than columns.
        await("a full window of samples").atMost(Duration.ofSeconds(30)).until(() ->
                reader.snapshot().stream(STREAM) != null && reader.snapshot().stream(STREAM).samples() > 2 * RATE_HZ + CHUNK);

        String running = chromium.dumpDom(url, 2000);
        Files.writeString(Path.of("target", "reader-page.html"), running);
        chromium.screenshot(url, 2000, Path.of("target", "reader-page.png"), 1100, 1300);

        assertEnvelopeFollowsTheSine(running);
        assertThat(number(running, "<td class=\"n sps\">([^<]+)</td>")).as("samples/s while appending").isGreaterThan(100);
        assertThat(number(running, "id=\"rowsPerSecond\">([^<]+)<")).as("rows/s while appending").isGreaterThan(1);
        assertThat(running).as("the rejected task is listed with its status and message")
                .containsPattern("data-task=\"t-rejected-1\" data-status=\"REJECTED\"")
                .contains("unknown task type 'nope': no handler registered");
        // A CANCELLED row counts as cancelled, not as other.
        assertThat(number(running, "id=\"rejected\">([^<]+)<")).as("rejected rows").isEqualTo(1);
        assertThat(number(running, "id=\"cancelled\">([^<]+)<")).as("cancelled rows").isEqualTo(1);
        assertThat(number(running, "id=\"other\">([^<]+)<")).as("rows of no known status").isZero();
        assertThat(running).containsPattern("data-task=\"t-cancelled-1\" data-status=\"CANCELLED\"");
        assertThat(running).as("the samples/s chart draws the stream").containsPattern("<polyline points=\"[^\"]+\"[^>]*data-series=\"" + STREAM + "\"");
        assertThat(running).contains("id=\"writerState\" class=\"state flushing\"").contains("held by pid " + writer.pid());

        writer.command("pause");
        await("the reader's rates fall to zero").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> reader.snapshot().rowsPerSecond() == 0);
        // The writer still holds the lock: once nothing was flushed for reader.stall.ms, the reader calls it stalled.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await("the reader calls the writer stalled").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> STALLED.matcher(get(http, "http://127.0.0.1:" + reader.port() + "/api/status").body()).find());
        String paused = chromium.dumpDom(url, 1500);
        assertThat(number(paused, "<td class=\"n sps\">([^<]+)</td>")).as("samples/s after appending stopped").isZero();
        assertThat(number(paused, "id=\"rowsPerSecond\">([^<]+)<")).as("rows/s after appending stopped").isZero();
        assertThat(paused).contains("id=\"writerState\" class=\"state stalled\"");
        assertThat(paused).containsPattern("data-task=\"t-rejected-1\" data-status=\"REJECTED\"");
    }

    @Test
    void window_endpoint_refuses_a_bad_width_and_an_unknown_stream_in_one_line() throws Exception {
        writer.command("run");
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.snapshot().stream(STREAM) != null);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + reader.port() + "/api/window?stream=" + STREAM;
        HttpResponse<String> wide = get(http, base + "&px=100000");
        assertThat(wide.statusCode()).isEqualTo(400);
        assertThat(wide.body()).contains("px").contains("100000");
        HttpResponse<String> none = get(http, "http://127.0.0.1:" + reader.port() + "/api/window?stream=/nope&px=100");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("/nope");
        HttpResponse<String> ok = get(http, base + "&px=100");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"columns\":100").hasSizeLessThan(8_000);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Turns the drawn polygon back into per-column min/max and compares them with the sine over each column's samples. */
    private static void assertEnvelopeFollowsTheSine(String dom) {
        Matcher svg = SCOPE.matcher(dom);
        assertThat(svg.find()).as("a scope is drawn").isTrue();
        String scope = svg.group();
        double ymin = attr(scope, "data-ymin");
        double ymax = attr(scope, "data-ymax");
        double top = attr(scope, "data-top");
        double bottom = attr(scope, "data-bottom");
        long first = (long) attr(scope, "data-first");
        long count = (long) attr(scope, "data-count");
        int columns = (int) attr(scope, "data-columns");
        assertThat(count).as("a full window").isEqualTo((long) (2 * RATE_HZ));
        assertThat(columns).as("decimated: fewer columns than samples").isLessThan((int) count).isGreaterThan(100);
        Matcher poly = POLYGON.matcher(scope);
        assertThat(poly.find()).as("an envelope polygon is drawn").isTrue();
        String[] points = poly.group(1).trim().split(" ");
        assertThat(points).hasSize(2 * columns);
        // Two decimals of a pixel, over the chart's value range, plus float32 rounding.
        double tolerance = 0.006 * (ymax - ymin) / (bottom - top) + 1e-4 * SineWriterMain.AMPLITUDE;
        for (int c = 0; c < columns; c++) {
            long from = first + c * count / columns;
            long to = first + (c + 1) * count / columns;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (long i = from; i < to; i++) {
                double v = (float) SineWriterMain.value(i, PERIOD);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            double drawnMax = value(points[c], ymin, ymax, top, bottom);
            double drawnMin = value(points[2 * columns - 1 - c], ymin, ymax, top, bottom);
            assertThat(drawnMax).as("max of column %d (samples %d..%d)", c, from, to - 1).isCloseTo(hi,
                    org.assertj.core.api.Assertions.within(tolerance));
            assertThat(drawnMin).as("min of column %d (samples %d..%d)", c, from, to - 1).isCloseTo(lo,
                    org.assertj.core.api.Assertions.within(tolerance));
        }
    }

    private static double value(String point, double ymin, double ymax, double top, double bottom) {
        double y = Double.parseDouble(point.substring(point.indexOf(',') + 1));
        return ymin + (bottom - y) / (bottom - top) * (ymax - ymin);
    }

    private static double attr(String element, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]+)\"").matcher(element);
        assertThat(m.find()).as(name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static double number(String dom, String regex) {
        Matcher m = Pattern.compile(regex).matcher(dom);
        assertThat(m.find()).as("the page shows %s", regex).isTrue();
        return Double.parseDouble(m.group(1).replace(",", ""));
    }
}
