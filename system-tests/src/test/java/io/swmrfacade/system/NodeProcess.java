package io.swmrfacade.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class of the test classpath, that prints {@code STARTED} when
 * ready: for tests that {@code kill -9} the process that matters. Its stderr goes to a log file.
 */
final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code main} with {@code key=value} arguments and waits for its STARTED line. */
    static NodeProcess start(Class<?> main, Map<String, Object> settings, Path log) throws IOException {
        return start(List.of(), main, settings, log);
    }

    /** As {@link #start(Class, Map, Path)}, the command run through {@code prefix} (e.g. {@code ip netns exec NS}). */
    static NodeProcess start(List<String> prefix, Class<?> main, Map<String, Object> settings, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), main.getName()));
        settings.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"STARTED".equals(line)) {
            p.destroyForcibly();
            throw new IOException(main.getSimpleName() + " did not start (said " + line + "); see " + log);
        }
        return new NodeProcess(p, log);
    }

    static NodeProcess writer(Map<String, Object> settings, Path log) throws IOException {
        return start(WriterProcessMain.class, settings, log);
    }

    /** SIGKILL, and wait for the process to be gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns whether it exited within {@code seconds}. */
    boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process is frozen, as by a long pause or a network partition, until {@link #resume}. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
