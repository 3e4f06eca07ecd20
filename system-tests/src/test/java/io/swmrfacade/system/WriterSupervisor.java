package io.swmrfacade.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A writer node in a child JVM that the test kills and restarts, like a process supervisor
 * would: {@link #ensureRunning()} restarts it whenever it has died (a poison task halts it).
 */
final class WriterSupervisor implements AutoCloseable {

    private final Map<String, Object> settings;
    private final Path log;
    private NodeProcess process;
    private int starts;

    WriterSupervisor(Map<String, Object> settings, Path log) throws IOException {
        this.settings = Map.copyOf(settings);
        this.log = log;
        start();
    }

    private void start() throws IOException {
        starts++;
        process = NodeProcess.writer(settings, log);
    }

    /**
     * Restarts the node if it is dead; returns whether it had to. A node that dies again before
     * it reports STARTED is left dead for the next call.
     */
    synchronized boolean ensureRunning() {
        if (process != null && process.alive()) {
            return false;
        }
        try {
            start();
        } catch (IOException e) {
            process = null;
            note("supervisor: start " + starts + " failed: " + e.getMessage());
        }
        return true;
    }

    synchronized void kill9AndRestart() throws IOException, InterruptedException {
        kill9();
        start();
    }

    synchronized void kill9() throws InterruptedException {
        if (process != null) {
            process.kill9();
        }
    }

    /** SIGTERM; returns whether the node exited within {@code seconds}. */
    synchronized boolean terminate(long seconds) throws InterruptedException {
        return process == null || process.terminate(seconds);
    }

    synchronized boolean alive() {
        return process != null && process.alive();
    }

    private void note(String line) {
        try {
            java.nio.file.Files.writeString(log, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // only a diagnostic
        }
    }

    synchronized int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
