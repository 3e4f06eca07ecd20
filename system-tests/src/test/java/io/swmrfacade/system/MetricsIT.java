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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoints of the coordinator and the reader, and the client's meters on a
 * user's registry, scraped while tasks run: the values move with the tasks, and every scrape
 * passes {@code promtool check metrics}.
 */
class MetricsIT {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void coordinator_reader_and_client_metrics_move_with_the_tasks_and_pass_promtool() throws Exception {
        Path file = dir.resolve("metrics.h5");
        try (Installation sf = new Installation("metrics", 2);
             Coordinator coordinator = Coordinator.start(new CoordinatorConfig(Map.of(ClusterConfig.BOOTSTRAP, sf.bootstrap,
                     ClusterConfig.TOPIC_PREFIX, sf.prefix, CoordinatorConfig.METRICS_PORT, 0)), Clock.systemUTC(), Duration.ofSeconds(30));
             WriterNode writer = sf.writer(file, "metrics-writer");
             ReaderNode reader = ReaderNode.start(new ReaderConfig(Map.of(ReaderConfig.FILE, file.toString(),
                     ReaderConfig.METRICS_PORT, 0, ReaderConfig.MONITOR_ENABLED, false)), Clock.systemUTC(),
                     new PrintStream(OutputStream.nullOutputStream()));
             PrometheusEndpoint client = PrometheusEndpoint.start("127.0.0.1", 0);
             TaskFacade facade = sf.facade().meterRegistry(client.registry()).build()) {
            String coordinatorUrl = "http://127.0.0.1:" + coordinator.metricsPort() + "/metrics";
            String readerUrl = "http://127.0.0.1:" + reader.metricsPort() + "/metrics";
            String clientUrl = "http://127.0.0.1:" + client.port() + "/metrics";

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

            // Scraped while the next tasks run: the numbers only go up, to the new total.
            for (int i = 0; i < 10; i++) {
                facade.submit(Task.of("sleep", "0.05"));
            }
            facade.submit(Task.of("no-such-type", "x"));
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

            assertThat(writer.failure()).isNull();
            assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (Debian package prometheus): text not validated");
            for (String url : new String[] {coordinatorUrl, readerUrl, clientUrl}) {
                String text = scrape(url);
                String problems = promtool(text);
                assertThat(problems).as("promtool check metrics on %s:%n%s", url, text).isEmpty();
            }
        }
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
