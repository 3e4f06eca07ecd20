package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swmrfacade.broker.LocalBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/sf demo} as a user runs it: a real broker process, coordinator, writer and readers.
 * It must end with every task matched, and Ctrl-C at any point must stop everything it started.
 */
class DemoIT {

    private static final Path HOME = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void the_demo_matches_every_result_and_leaves_no_process_behind() throws Exception {
        assumeTrue(portFree(9092), "127.0.0.1:9092 is taken: the demo would use that broker");
        Process demo = start("demo", "--seconds", "6");
        List<String> lines = readAll(demo);
        assertThat(demo.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).as("%s%nwriter.log:%n%s", String.join("\n", lines), demoLog("writer")).isZero();
        assertThat(lines).contains("every task has exactly one result and one row: OK");
        assertThat(lines).filteredOn(l -> l.startsWith("reader-") && l.contains(" saw ")).hasSize(3);
        // The clock starts once the writer holds its partitions: results come in from the first
        // seconds on (the progress lines come every 2 s; before, the first 7 s showed none).
        assertThat(lines.stream().filter(l -> l.startsWith("[demo]") && l.contains("tasks submitted,")).skip(2))
                .as(String.join("\n", lines)).isNotEmpty().noneMatch(l -> l.endsWith(" 0 results in"));
        assertNothingLeft(demo.pid());
    }

    @Test
    void ctrl_c_stops_everything_within_seconds() throws Exception {
        assumeTrue(portFree(9092), "127.0.0.1:9092 is taken: the demo would use that broker");
        Process demo = start("demo", "--seconds", "60");
        BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            seen.add(line);
            if (line.contains("tasks submitted,")) {
                break; // submitting: every process is up
            }
        }
        assertThat(seen).as("demo output").anyMatch(l -> l.contains("tasks submitted,"));
        new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor();
        long start = System.nanoTime();
        Thread drain = new Thread(() -> readAll(demo));
        drain.start();
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo exits after Ctrl-C").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertNothingLeft(demo.pid());
    }

    private static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(HOME.toFile()).redirectErrorStream(true).start();
    }

    private static List<String> readAll(Process p) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process is gone
        }
        return lines;
    }

    /** No child of the demo (they carry --parent-pid=<demo>) and no broker it started is still running. */
    private static void assertNothingLeft(long demoPid) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("--parent-pid=" + demoPid)).orElse(false))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
            assertThat(left).as("processes left behind").isEmpty();
            assertThat(new LocalBroker(HOME).status().running()).as("broker left running").isFalse();
        });
    }

    /** One of the demo's process logs (var/demo/logs), or a note that it is missing. */
    private static String demoLog(String process) throws IOException {
        Path log = HOME.resolve("var/demo/logs/" + process + ".log");
        return Files.exists(log) ? Files.readString(log) : "(no " + log + ")";
    }

    private static boolean portFree(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static {
        try {
            Files.createDirectories(HOME.resolve("var"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
