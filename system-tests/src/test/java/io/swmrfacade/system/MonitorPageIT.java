package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.monitor.InstallationMonitor;
import io.swmrfacade.monitor.LiveView;
import io.swmrfacade.monitor.MonitorConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sf monitor --http-port}'s page in a real browser (Debian's chromium, headless): it loads,
 * lists the writer, and its rate chart moves while tasks run. A screenshot is kept at
 * {@code target/monitor-page.png}.
 */
class MonitorPageIT {

    private static final Pattern RATE_CHART = Pattern.compile("<svg id=\"rateChart\".*?</svg>", Pattern.DOTALL);
    /** The baseline of the 200-pixel chart (charts.js: top 8, bottom 20): a point above it is a non-zero rate. */
    private static final double ZERO_Y = 180.0;

    @TempDir
    Path dir;

    @Test
    void page_lists_the_writers_and_its_rate_chart_moves_while_tasks_run() throws Exception {
        Optional<HeadlessChromium> found = HeadlessChromium.find(dir);
        Assumptions.assumeTrue(found.isPresent(), "chromium is not installed (Debian: apt-get install chromium): page test skipped");
        HeadlessChromium chromium = found.get();
        try (Installation sf = new Installation("page", 2);
             InstallationMonitor monitor = MonitorProcesses.start(sf, Map.of(MonitorConfig.HTTP_PORT, 0,
                     MonitorConfig.REFRESH_MS, 500));
             LiveView live = LiveView.start(monitor, MonitorProcesses.config(sf.bootstrap, sf.prefix,
                     Map.of(MonitorConfig.HTTP_PORT, 0, MonitorConfig.REFRESH_MS, 500)), v -> { });
             WriterNode writer = sf.writer(dir.resolve("p.h5"), "node-p");
             TaskFacade facade = sf.facade().build()) {
            MonitorProcesses.awaitOwned(monitor, "node-p");
            String url = "http://127.0.0.1:" + live.port() + "/";
            AtomicBoolean load = new AtomicBoolean(true);
            Thread pacer = new Thread(() -> {
                for (int i = 0; load.get(); i++) {
                    facade.submit(Task.of("echo", "p" + i).withRoutingKey("k" + i));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }, "page-load");
            pacer.start();
            try {
                await("the writer's rate on the monitor").atMost(Duration.ofSeconds(30))
                        .until(() -> live.history().stream().anyMatch(v -> v.writers().stream()
                                .anyMatch(w -> w.id().equals("node-p") && w.tasksPerSecond() > 0)));
                String first = chromium.dumpDom(url, 2500);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
                String second = chromium.dumpDom(url, 2500);
                chromium.screenshot(url, 2500, Path.of("target", "monitor-page.png"), 1200, 1100);

                assertThat(second).contains("data-writer=\"node-p\"").contains("ALIVE").contains(sf.prefix);
                double[] before = ys(first, "node-p");
                double[] after = ys(second, "node-p");
                assertThat(after).as("the rate line is drawn").hasSizeGreaterThan(2);
                assertThat(Arrays.stream(after).min().orElse(ZERO_Y)).as("a non-zero rate is drawn").isLessThan(ZERO_Y);
                assertThat(points(second, "node-p")).as("the chart moved between two loads")
                        .isNotEqualTo(points(first, "node-p"));
                assertThat(before.length).isGreaterThan(0);
            } finally {
                load.set(false);
                pacer.join(5_000);
            }
        }
    }

    /** The points attribute of the rate chart's line for {@code writer}. */
    private static String points(String dom, String writer) {
        Matcher chart = RATE_CHART.matcher(dom);
        assertThat(chart.find()).as("a rate chart in the page").isTrue();
        Matcher line = Pattern.compile("<polyline[^>]*data-series=\"" + Pattern.quote(writer) + "\"[^>]*>").matcher(chart.group());
        assertThat(line.find()).as("a line for " + writer + " in the rate chart").isTrue();
        Matcher pts = Pattern.compile("points=\"([^\"]*)\"").matcher(line.group());
        assertThat(pts.find()).isTrue();
        return pts.group(1);
    }

    private static double[] ys(String dom, String writer) {
        String pts = points(dom, writer).trim();
        if (pts.isEmpty()) {
            return new double[0];
        }
        return Arrays.stream(pts.split(" ")).mapToDouble(p -> Double.parseDouble(p.split(",")[1])).toArray();
    }
}
