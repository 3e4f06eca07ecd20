package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.monitor.InstallationMonitor;
import io.swmrfacade.monitor.InstallationView;
import io.swmrfacade.monitor.LiveView;
import io.swmrfacade.monitor.MonitorConfig;
import io.swmrfacade.monitor.PartitionView;
import io.swmrfacade.monitor.WriterView;
import io.swmrfacade.reader.ReaderConfig;
import io.swmrfacade.reader.ReaderNode;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code sf monitor}'s view, built from the topics alone, against a real writer, reader and
 * client: first its page in a real browser while tasks run, then the view itself (the writer's
 * state, rate, flushes and partitions, the reader's rows, tasks by state, dead letters) and
 * {@code sf status}'s exit code before and after the writer stops. One writer serves both tests,
 * in that order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorIT {

    private static final Pattern RATE_CHART = Pattern.compile("<svg id=\"rateChart\".*?</svg>", Pattern.DOTALL);
    /** The baseline of the 200-pixel chart (charts.js: top 8, bottom 20): a point above it is a non-zero rate. */
    private static final double ZERO_Y = 180.0;

    private static Path dir;
    private static Installation sf;
    private static InstallationMonitor monitor;
    private static LiveView live;
    private static WriterNode writer;
    private static ReaderNode reader;
    private static TaskFacade facade;
    private static final List<TaskHandle> handles = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("monitor-it");
        sf = new Installation("monitor", 3);
        MonitorConfig config = MonitorProcesses.config(sf.bootstrap, sf.prefix,
                Map.of(MonitorConfig.HTTP_PORT, 0, MonitorConfig.REFRESH_MS, 500));
        monitor = InstallationMonitor.start(config, Clock.systemUTC());
        live = LiveView.start(monitor, config, v -> { });
        writer = sf.writer(dir.resolve("m.h5"), "node-m");
        reader = ReaderNode.start(new ReaderConfig(Map.of(ClusterConfig.BOOTSTRAP, sf.bootstrap,
                ClusterConfig.TOPIC_PREFIX, sf.prefix, ReaderConfig.FILE, dir.resolve("m.h5").toString(),
                ReaderConfig.ID, "reader-m")), Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()));
        facade = sf.facade().build();
        MonitorProcesses.awaitOwned(monitor, "node-m");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {facade, reader, writer, live, monitor, sf}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
        if (dir != null) {
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                // a temporary directory left behind
            }
        }
    }

    @Test
    @Order(1)
    void page_lists_the_writers_and_its_rate_chart_moves_while_tasks_run() throws Exception {
        Optional<HeadlessChromium> found = HeadlessChromium.find(dir);
        Assumptions.assumeTrue(found.isPresent(), "chromium is not installed (Debian: apt-get install chromium): page test skipped");
        HeadlessChromium chromium = found.get();
        String url = "http://127.0.0.1:" + live.port() + "/";
        AtomicBoolean load = new AtomicBoolean(true);
        Thread pacer = new Thread(() -> {
            for (int i = 0; load.get(); i++) {
                handles.add(facade.submit(Task.of("echo", "p" + i).withRoutingKey("p" + i)));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
            }
        }, "page-load");
        pacer.start();
        try {
            await("the writer's rate on the monitor").atMost(Duration.ofSeconds(30))
                    .until(() -> live.history().stream().anyMatch(v -> v.writers().stream()
                            .anyMatch(w -> w.id().equals("node-m") && w.tasksPerSecond() > 0)));
            String first = chromium.dumpDom(url, 2500);
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            String second = chromium.dumpDom(url, 2500);
            chromium.screenshot(url, 2500, Path.of("target", "monitor-page.png"), 1200, 1100);

            assertThat(second).contains("data-writer=\"node-m\"").contains("ALIVE").contains(sf.prefix);
            assertThat(ys(first)).as("the rate line is drawn at the first load").isNotEmpty();
            double[] after = ys(second);
            assertThat(after).as("the rate line is drawn").hasSizeGreaterThan(2);
            assertThat(Arrays.stream(after).min().orElse(ZERO_Y)).as("a non-zero rate is drawn").isLessThan(ZERO_Y);
            assertThat(points(second)).as("the chart moved between two loads").isNotEqualTo(points(first));
        } finally {
            load.set(false);
            pacer.join(5_000);
        }
    }

    @Test
    @Order(2)
    void view_shows_writer_reader_tasks_lag_and_dead_letters_and_status_fails_once_the_writer_stops() throws Exception {
        // 40 tasks/s for 5 s: long enough for a few heartbeats to show a rate.
        for (int i = 0; i < 200; i++) {
            handles.add(facade.submit(Task.of("echo", "m" + i).withRoutingKey("m" + i)));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
            if (i == 150) {
                await("a rate while tasks run").atMost(Duration.ofSeconds(10)).until(
                        () -> writer(monitor.view()).tasksPerSecond() > 0);
            }
        }
        int tasks = handles.size();
        await("every result").atMost(Duration.ofSeconds(60)).until(() -> handles.stream().allMatch(h -> h.result().isDone()));
        await("every task OK, in the writer's heartbeat too, and no lag").atMost(Duration.ofSeconds(30)).until(() -> {
            InstallationView v = monitor.view();
            return v.tasksByState().getOrDefault("OK", 0L) == tasks && writer(v).tasksDone() == tasks
                    && v.partitions().stream().allMatch(p -> p.lag() == 0 && p.owner().equals("node-m"));
        });
        InstallationView v = monitor.view();
        WriterView w = writer(v);
        assertThat(w.state()).isEqualTo("ALIVE");
        assertThat(w.file()).isEqualTo(dir.resolve("m.h5").toString());
        assertThat(w.address()).as("the address it reaches the brokers from").isEqualTo("127.0.0.1");
        assertThat(w.lastFlushUs()).isGreaterThan(v.atUs() - 60_000_000L).isLessThanOrEqualTo(v.atUs());
        assertThat(w.tasksDone()).isEqualTo(tasks);
        assertThat(w.partitions()).extracting(PartitionView::partition).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(v.partitions()).allSatisfy(p -> assertThat(p.committed()).isEqualTo(p.end()));
        assertThat(v.healthy()).as(v.problems().toString()).isTrue();
        await("the reader's rows on the monitor topic").atMost(Duration.ofSeconds(10)).until(() ->
                monitor.view().readers().stream().anyMatch(r -> r.id().equals("reader-m") && r.taskRows() == tasks));

        MonitorProcesses.Outcome healthy = MonitorProcesses.sf(List.of(), dir.resolve("status.log"), 60,
                "status", "--bootstrap", sf.bootstrap, "--topic-prefix", sf.prefix, "--group", sf.prefix + "writers");
        assertThat(healthy.exitCode()).as(healthy.stdout()).isZero();
        assertThat(healthy.stdout()).contains("HEALTHY", "node-m", "ALIVE", "OK=" + tasks, "reader-m");

        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // Tombstones on the topics the monitor keeps records of: nothing to show, and the follower reads on.
            p.send(new ProducerRecord<>(sf.prefix + "monitor", null, null)).get();
            p.send(new ProducerRecord<>(sf.prefix + "heartbeats", null, null)).get();
            p.send(new ProducerRecord<>(sf.prefix + "tasks", 1, null, new byte[] {(byte) 0xff, (byte) 0xff, 0x01})).get();
        }
        await("the malformed task as a dead letter, read after the tombstones").atMost(Duration.ofSeconds(30)).until(() ->
                monitor.view().recentDeadLetters().stream().anyMatch(d -> d.sourceTopic().equals(sf.prefix + "tasks")
                        && d.sourcePartition() == 1 && d.workerId().equals("node-m")));
        assertThat(monitor.view().deadLetters()).isEqualTo(1);

        reader.close();
        writer.close();
        await("the writer stopped and its partitions without a consumer").atMost(Duration.ofSeconds(30)).until(() -> {
            InstallationView after = monitor.view();
            return writer(after).state().equals("STOPPED") && after.partitions().stream().allMatch(p -> p.owner().isEmpty());
        });
        MonitorProcesses.Outcome unhealthy = MonitorProcesses.sf(List.of(), dir.resolve("status.log"), 60,
                "status", "--json", "--bootstrap", sf.bootstrap, "--topic-prefix", sf.prefix, "--group", sf.prefix + "writers");
        assertThat(unhealthy.exitCode()).as(unhealthy.stdout()).isEqualTo(1);
        assertThat(unhealthy.stdout()).contains("\"healthy\":false", "has no consumer", "\"state\":\"STOPPED\"");
    }

    private static WriterView writer(InstallationView v) {
        return v.writers().stream().filter(w -> w.id().equals("node-m")).findFirst()
                .orElseThrow(() -> new AssertionError("no writer node-m in " + v.writers()));
    }

    /** The points attribute of the rate chart's line for node-m. */
    private static String points(String dom) {
        Matcher chart = RATE_CHART.matcher(dom);
        assertThat(chart.find()).as("a rate chart in the page").isTrue();
        Matcher line = Pattern.compile("<polyline[^>]*data-series=\"node-m\"[^>]*>").matcher(chart.group());
        assertThat(line.find()).as("a line for node-m in the rate chart").isTrue();
        Matcher pts = Pattern.compile("points=\"([^\"]*)\"").matcher(line.group());
        assertThat(pts.find()).isTrue();
        return pts.group(1);
    }

    private static double[] ys(String dom) {
        String pts = points(dom).trim();
        if (pts.isEmpty()) {
            return new double[0];
        }
        return Arrays.stream(pts.split(" ")).mapToDouble(p -> Double.parseDouble(p.split(",")[1])).toArray();
    }
}
