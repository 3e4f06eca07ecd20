package io.swmrfacade.system;

import io.swmrfacade.monitor.InstallationMonitor;
import io.swmrfacade.monitor.MonitorConfig;
import io.swmrfacade.topology.ClusterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The monitor as tests use it: its settings for an installation, and {@code sf status} / {@code sf monitor} in child JVMs. */
final class MonitorProcesses {

    private MonitorProcesses() {
    }

    static MonitorConfig config(String bootstrap, String prefix, Map<String, Object> more) {
        Map<String, Object> m = new HashMap<>(more);
        m.put(ClusterConfig.BOOTSTRAP, bootstrap);
        m.put(ClusterConfig.TOPIC_PREFIX, prefix);
        m.put(MonitorConfig.WRITER_GROUP, prefix + "writers");
        return new MonitorConfig(m);
    }

    /** Waits until every tasks partition is owned by {@code writer}, as the monitor sees the group. */
    static void awaitOwned(InstallationMonitor monitor, String writer) {
        org.awaitility.Awaitility.await("every partition owned by " + writer).atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                    var parts = monitor.view().partitions();
                    return !parts.isEmpty() && parts.stream().allMatch(p -> p.owner().equals(writer));
                });
    }

    /**
     * Starts {@code sf <args>} (a long-running one, such as {@code sf monitor --json}) in a child JVM
     * through {@code prefixCommand}, its standard output going to {@code out} and errors to {@code log}.
     */
    static Process startSf(List<String> prefixCommand, Path out, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefixCommand);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.swmrfacade.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** What {@code sf status} printed and its exit code. */
    record Outcome(int exitCode, String stdout) {
    }

    /** Runs {@code sf <args>} in a child JVM (prefixed with {@code prefixCommand}, e.g. ip netns exec) and waits for it. */
    static Outcome sf(List<String> prefixCommand, Path log, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefixCommand);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.swmrfacade.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("sf " + String.join(" ", args) + " did not end within " + timeoutSeconds + " s; see " + log);
        }
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
