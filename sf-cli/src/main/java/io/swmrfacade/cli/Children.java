package io.swmrfacade.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes the demo starts: each is {@code sf <role> ... --parent-pid <demo>}, so a child
 * also stops by itself if the demo is killed outright. {@link #stopAll} sends SIGTERM, waits, and
 * kills what is left; nothing is left behind.
 */
final class Children {

    private final Path logs;
    private final List<Process> started = new ArrayList<>();

    Children(Path logs) {
        this.logs = logs;
    }

    /** Starts {@code sf args...}; stdout goes to the console if {@code console}, else with stderr to logs/NAME.log. */
    synchronized Process start(String name, boolean console, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dsf.home=" + Home.dir(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        cmd.add("--parent-pid=" + ProcessHandle.current().pid());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Path log = logs.resolve(name + ".log");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectOutput(console ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** SIGTERM to {@code p}, then SIGKILL if it is still there after {@code seconds}. */
    static boolean stop(Process p, long seconds) {
        p.destroy();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return false;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return true;
    }

    synchronized void stopAll(long seconds) {
        started.forEach(Process::destroy);
        for (Process p : started) {
            stop(p, seconds);
        }
    }
}
