package io.swmrfacade.examples.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.testkafka.TestKafka;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built plugin jar, dropped into a writer node's plugin folder, runs {@code push} tasks: the
 * node (a child JVM without the plugin on its class path) finds the handler through
 * META-INF/services and honours its limit of 3 at once.
 */
class PushPluginIT {

    /** Fresh per run: the shared test broker may be one that outlives the run ($SF_BOOTSTRAP). */
    private static final String PREFIX = "push" + System.nanoTime() + ".";
    private static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        bootstrap = TestKafka.bootstrap();
    }

    @Test
    void writer_loads_the_push_plugin_from_its_folder_and_runs_at_most_three_pushes_at_once() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(builtJar(), plugins.resolve("plugin-example.jar"));
        Path file = dir.resolve("push.h5");
        Map<String, Object> c = new HashMap<>();
        c.put(ClusterConfig.BOOTSTRAP, bootstrap);
        c.put(ClusterConfig.TOPIC_PREFIX, PREFIX);
        c.put(CoordinatorConfig.PARTITIONS, 2);
        try (Coordinator coordinator = Coordinator.start(new CoordinatorConfig(c), Clock.systemUTC(), Duration.ofSeconds(30))) {
            Process writer = startWriter(Map.of(ClusterConfig.BOOTSTRAP, bootstrap, ClusterConfig.TOPIC_PREFIX, PREFIX,
                    WriterConfig.FILE, file.toString(), WriterConfig.ID, "push-writer", WriterConfig.PLUGIN_DIR, plugins.toString()));
            try (TaskFacade facade = TaskFacade.builder().bootstrap(bootstrap).topicPrefix(PREFIX).build()) {
                List<String> images = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    images.add("registry.local/app" + i + ":1.0");
                    facade.submit(Task.of("push", images.get(i)));
                }
                facade.submit(Task.of("push", "not an image"));
                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.complete()).isTrue();
                List<TaskResult> results = all.results();
                for (int i = 0; i < 9; i++) {
                    assertThat(results.get(i).status()).isEqualTo(TaskStatus.OK);
                    assertThat(results.get(i).outputText()).isEqualTo("pushed " + images.get(i) + " sha256:" + PushHandler.digest(images.get(i)));
                }
                assertThat(results.get(9).status()).isEqualTo(TaskStatus.REJECTED);
                assertThat(results.get(9).error()).contains("must be an image name:tag");
            } finally {
                writer.destroy();
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        List<TaskRow> rows;
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            rows = f.poll().newRows().stream().map(SwmrFollower.Row::row).toList();
        }
        assertThat(rows).hasSize(10);
        assertThat(maxOverlap(rows.stream().filter(r -> r.status() == 1).toList())).isEqualTo(3);
    }

    private static Path builtJar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("plugin-example-.*\\.jar")
                    && !p.getFileName().toString().contains("sources")).findFirst()
                    .orElseThrow(() -> new AssertionError("run after 'package': no plugin-example jar in target/"));
        }
    }

    /** The test class path without this module's main classes. */
    private Process startWriter(Map<String, String> settings) throws Exception {
        String own = Path.of("target", "classes").toAbsolutePath().toString();
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().toString().equals(own)).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", cp, PluginWriterMain.class.getName()));
        settings.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("writer.log").toFile()).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"STARTED".equals(line)) {
            p.destroyForcibly();
            throw new AssertionError("writer did not start: " + Files.readString(dir.resolve("writer.log")));
        }
        return p;
    }

    private static int maxOverlap(List<TaskRow> rows) {
        int max = 0;
        for (TaskRow a : rows) {
            int at = 0;
            for (TaskRow b : rows) {
                if (b.startedUs() <= a.startedUs() && a.startedUs() < b.finishedUs()) {
                    at++;
                }
            }
            max = Math.max(max, at);
        }
        return max;
    }
}
