package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.metrics.PrometheusEndpoint;
import io.swmrfacade.reader.ReaderConfig;
import io.swmrfacade.reader.ReaderNode;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoints of the coordinator, the writer and the reader, and the client's meters
 * on a user's registry, scraped while tasks run: the values move with the tasks, and every scrape
 * passes {@code promtool check metrics}.
 */
class MetricsIT {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /**
     * Tasks of type {@code gate} run until the test opens the gate (tasks running for as long as a
     * scrape needs), then work {@link #WORK} more: every run, and every wait for a slot that
     * starts before the gate opens, lasts at least that long, a value the histograms must hold.
     */
    private static final class Gate implements TaskHandler {
        static final Duration WORK = Duration.ofMillis(500);
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public String type() {
            return "gate";
        }

        @Override
        public TaskOutput run(TaskInput input) throws InterruptedException {
            if (!open.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            long end = System.nanoTime() + WORK.toNanos();
            for (long left = WORK.toNanos(); left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("gate task interrupted");
                }
            }
            return TaskOutput.of("through");
        }
    }

    @Test
    void coordinator_writer_reader_and_client_metrics_move_with_the_tasks_and_pass_promtool() throws Exception {
        Path file = dir.resolve("metrics.h5");
        Gate gate = new Gate();
        try (Installation sf = new Installation("metrics", 2);
             Coordinator coordinator = Coordinator.start(new CoordinatorConfig(Map.of(ClusterConfig.BOOTSTRAP, sf.bootstrap,
                     ClusterConfig.TOPIC_PREFIX, sf.prefix, CoordinatorConfig.METRICS_PORT, 0)), Clock.systemUTC(), Duration.ofSeconds(30));
             WriterNode writer = writerWithMetrics(sf, file, "metrics-writer", Map.of(), List.of(gate));
             ReaderNode reader = ReaderNode.start(new ReaderConfig(Map.of(ReaderConfig.FILE, file.toString(),
                     ReaderConfig.METRICS_PORT, 0, ReaderConfig.MONITOR_ENABLED, false)), Clock.systemUTC(),
                     new PrintStream(OutputStream.nullOutputStream()));
             PrometheusEndpoint client = PrometheusEndpoint.start("127.0.0.1", 0);
             TaskFacade facade = sf.facade().meterRegistry(client.registry()).build()) {
            String coordinatorUrl = "http://127.0.0.1:" + coordinator.metricsPort() + "/metrics";
            String readerUrl = "http://127.0.0.1:" + reader.metricsPort() + "/metrics";
            String clientUrl = "http://127.0.0.1:" + client.port() + "/metrics";
            String writerUrl = "http://127.0.0.1:" + writer.metricsPort() + "/metrics";

            submitAndCollect(facade, 10);
            Awaitility.await("the coordinator and the reader see 10 OK tasks").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                        assertThat(value(scrape(coordinatorUrl), "sf_coordinator_tasks{state=\"OK\"}")).isEqualTo(10);
                        assertThat(value(scrape(readerUrl), "sf_reader_rows_total")).isEqualTo(10);
                    });
            String reader1 = scrape(readerUrl);
            assertThat(value(reader1, "sf_reader_segment")).isZero();
            assertThat(value(reader1, "sf_reader_file_size_bytes")).isPositive();
            assertThat(value(reader1, "sf_reader_poll_lag_seconds")).isBetween(0.0, 5.0);
            assertThat(value(reader1, "sf_reader_tasks{status=\"OK\"}")).isEqualTo(10);
            String client1 = scrape(clientUrl);
            assertThat(value(client1, "sf_client_submitted_total")).isEqualTo(10);
            assertThat(value(client1, "sf_client_results_total{status=\"OK\"}")).isEqualTo(10);
            assertThat(value(client1, "sf_client_submit_to_result_seconds_count")).isEqualTo(10);
            assertThat(value(client1, "sf_client_buffered")).isZero();
            assertThat(value(scrape(coordinatorUrl), "sf_coordinator_workers{alive=\"true\"}")).isEqualTo(1);
            String writer1 = scrape(writerUrl);
            assertThat(value(writer1, "sf_writer_tasks_total{status=\"OK\",type=\"echo\"}")).isEqualTo(10);
            assertThat(value(writer1, "sf_writer_tasks_total{status=\"FAILED\",type=\"echo\"}")).isZero();
            assertThat(value(writer1, "sf_writer_queue_wait_seconds_count")).isEqualTo(10);
            assertThat(value(writer1, "sf_writer_run_seconds_count")).isEqualTo(10);
            assertThat(value(writer1, "sf_writer_submit_to_result_seconds_count")).isEqualTo(10);
            assertThat(value(writer1, "sf_writer_submit_to_result_seconds_max")).isBetween(0.0, 60.0);
            assertThat(value(writer1, "sf_writer_flush_seconds_count")).isBetween(1.0, 10.0);
            assertThat(value(writer1, "sf_writer_segment")).isZero();
            assertThat(value(writer1, "sf_writer_file_size_bytes")).isPositive();
            assertThat(value(writer1, "sf_writer_tasks_running")).isZero();
            Awaitility.await("the writer commits and has caught up").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        String w = scrape(writerUrl);
                        assertThat(value(w, "sf_writer_commits_total{outcome=\"committed\"}")).isPositive();
                        assertThat(value(w, "sf_writer_transactions_open")).isZero();
                        assertThat(value(w, "sf_writer_transactions_records")).isZero();
                        assertThat(value(w, "sf_writer_consumer_lag_records")).isZero();
                        assertThat(value(w, "sf_writer_tasks_inflight")).isZero();
                    });

            // Scraped while the next tasks run: the numbers only go up, to the new total. Ten gate
            // tasks at the node's default limit of 4 at once: 4 run until the gate opens, at least
            // one more is taken and waits for a slot meanwhile, and the gate opens once the scrape
            // saw that. Each of the 4 then works 0.5 s more, so the run of each and the wait of the
            // one taken before the gate opened last at least 0.5 s.
            for (int i = 0; i < 10; i++) {
                facade.submit(Task.of("gate", "g" + i));
            }
            facade.submit(Task.of("no-such-type", "x"));
            Awaitility.await("the writer shows 4 gate tasks running and more taken").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                        String w = scrape(writerUrl);
                        assertThat(value(w, "sf_writer_tasks_running")).isEqualTo(4);
                        assertThat(value(w, "sf_writer_tasks_inflight")).isGreaterThan(4);
                    });
            gate.open.countDown();
            assertThat(facade.collect(Duration.ofSeconds(60)).complete()).isTrue();
            Awaitility.await("the coordinator and the reader see the next tasks").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                        assertThat(value(scrape(coordinatorUrl), "sf_coordinator_tasks{state=\"OK\"}")).isEqualTo(20);
                        assertThat(value(scrape(coordinatorUrl), "sf_coordinator_tasks{state=\"REJECTED\"}")).isEqualTo(1);
                        assertThat(value(scrape(readerUrl), "sf_reader_rows_total")).isEqualTo(21);
                    });
            String client2 = scrape(clientUrl);
            assertThat(value(client2, "sf_client_results_total{status=\"OK\"}")).isEqualTo(20);
            assertThat(value(client2, "sf_client_results_total{status=\"REJECTED\"}")).isEqualTo(1);
            assertThat(value(client2, "sf_client_submit_to_result_seconds_count")).isEqualTo(21);
            assertThat(value(scrape(readerUrl), "sf_reader_file_size_bytes")).isGreaterThanOrEqualTo(value(reader1, "sf_reader_file_size_bytes"));
            assertThat(value(scrape(coordinatorUrl), "sf_coordinator_consumer_lag_records")).isGreaterThanOrEqualTo(0);
            String writer2 = scrape(writerUrl);
            assertThat(value(writer2, "sf_writer_tasks_total{status=\"OK\",type=\"echo\"}")).isEqualTo(10);
            assertThat(value(writer2, "sf_writer_tasks_total{status=\"OK\",type=\"gate\"}")).isEqualTo(10);
            assertThat(value(writer2, "sf_writer_tasks_total{status=\"REJECTED\",type=\"other\"}")).isEqualTo(1);
            assertThat(writer2).doesNotContain("no-such-type");
            assertThat(value(writer2, "sf_writer_queue_wait_seconds_count")).isEqualTo(20); // the rejected one never waited for a handler
            assertThat(value(writer2, "sf_writer_queue_wait_seconds_max")).isGreaterThanOrEqualTo(0.5);
            assertThat(value(writer2, "sf_writer_run_seconds_count")).isEqualTo(20);
            assertThat(value(writer2, "sf_writer_run_seconds_max")).isGreaterThanOrEqualTo(0.5);
            assertThat(value(writer2, "sf_writer_run_seconds_sum")).isGreaterThanOrEqualTo(10 * 0.5);
            assertThat(value(writer2, "sf_writer_submit_to_result_seconds_count")).isEqualTo(21);
            assertThat(value(writer2, "sf_writer_flush_seconds_count")).isGreaterThan(value(writer1, "sf_writer_flush_seconds_count"));
            assertThat(value(writer2, "sf_writer_file_size_bytes")).isGreaterThanOrEqualTo(value(writer1, "sf_writer_file_size_bytes"));

            assertThat(writer.failure()).isNull();
            assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (Debian package prometheus): text not validated");
            for (String url : new String[] {coordinatorUrl, writerUrl, readerUrl, clientUrl}) {
                String text = scrape(url);
                String problems = promtool(text);
                assertThat(problems).as("promtool check metrics on %s:%n%s", url, text).isEmpty();
            }
        }
    }

    @Test
    void writer_lag_shows_a_backlog_until_a_late_writer_takes_it_and_the_file_grows() throws Exception {
        Path file = dir.resolve("backlog.h5");
        int n = 1500;
        try (Installation sf = new Installation("metrics-lag", 2);
             TaskFacade facade = sf.facade().build()) {
            for (int i = 0; i < n; i++) {
                facade.submit(Task.of("sleep", "0.005"));
            }
            Awaitility.await("the broker has every task").atMost(Duration.ofSeconds(60)).until(() -> facade.stats().buffered() == 0);
            // A poll takes up to 1,000 records; at 50 in flight the node then stops fetching until
            // the tasks it holds are done: the rest wait on the topic, seconds long, as lag.
            try (WriterNode writer = writerWithMetrics(sf, file, "lag-writer", Map.of(WriterConfig.MAX_INFLIGHT, 50), List.of())) {
                String url = "http://127.0.0.1:" + writer.metricsPort() + "/metrics";
                double startSize = value(scrape(url), "sf_writer_file_size_bytes");
                Awaitility.await("the writer reports lag on the tasks topic").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                            String w = scrape(url);
                            assertThat(value(w, "sf_writer_consumer_lag_records")).isBetween(1.0, (double) n);
                            assertThat(value(w, "sf_writer_tasks_inflight")).isPositive();
                        });
                CollectResult all = facade.collect(Duration.ofSeconds(120));
                assertThat(all.allSucceeded()).as("missing %s", all.missing()).isTrue();
                Awaitility.await("the lag is gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> assertThat(value(scrape(url), "sf_writer_consumer_lag_records")).isZero());
                String end = scrape(url);
                assertThat(value(end, "sf_writer_tasks_total{status=\"OK\",type=\"sleep\"}")).isEqualTo(n);
                assertThat(value(end, "sf_writer_queue_wait_seconds_count")).isEqualTo(n);
                assertThat(value(end, "sf_writer_file_size_bytes")).isGreaterThan(startSize);
                assertThat(writer.failure()).isNull();
            }
        }
    }

    /** A writer of {@code sf} serving metrics on a free port, with {@code extra} settings and {@code handlers}. */
    private static WriterNode writerWithMetrics(Installation sf, Path file, String id, Map<String, Object> extra,
                                                List<TaskHandler> handlers) {
        Map<String, Object> settings = new java.util.HashMap<>(sf.writerSettings(file, id));
        settings.put(WriterConfig.METRICS_PORT, 0);
        settings.putAll(extra);
        return WriterNode.start(new WriterConfig(settings), Clock.systemUTC(), handlers);
    }

    private static void submitAndCollect(TaskFacade facade, int n) {
        for (int i = 0; i < n; i++) {
            facade.submit(Task.of("echo", "m" + i));
        }
        CollectResult all = facade.collect(Duration.ofSeconds(60));
        assertThat(all.allSucceeded()).as("results %s, missing %s", all.results(), all.missing()).isTrue();
    }

    private static String scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    /** The value of the one sample {@code series} (name and labels exactly as exposed); fails if it is missing. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("series %s in%n%s", series, text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** promtool's complaints about {@code text}, or "" when it has none (exit 0). */
    private static String promtool(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }
}
