package io.swmrfacade.system;

import io.swmrfacade.writer.WriterNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator and the writer node a client benchmark runs against: in the benchmark's JVM, or
 * ({@code BENCH_NODE=process}) together in a child JVM of their own ({@link InstallationMain}), started
 * with the JVM's default settings as {@code sf coordinator} and {@code sf writer} are, so that the
 * client's heap holds only the client's tasks. The child needs a broker outside both JVMs
 * ({@code SF_BOOTSTRAP}, {@code bench/broker}); {@code BENCH_NODE_JAVA_OPTS} goes to its JVM.
 */
final class BenchInstallation implements AutoCloseable {

    final Installation sf;
    /** Where the node and coordinator run, for the benchmark's output. */
    final String where;
    private final WriterNode writer;
    private final Process child;

    private BenchInstallation(Installation sf, String where, WriterNode writer, Process child) {
        this.sf = sf;
        this.where = where;
        this.writer = writer;
        this.child = child;
    }

    /** Starts the installation the environment asks for, its writer writing {@code file}. */
    static BenchInstallation start(Path file) throws IOException {
        String node = System.getenv().getOrDefault("BENCH_NODE", "jvm");
        if (node.equals("jvm")) {
            Installation sf = new Installation("bench", 3);
            return new BenchInstallation(sf, "coordinator and writer node in this JVM", sf.writer(file, "bench-writer"), null);
        }
        if (!node.equals("process")) {
            throw new IllegalArgumentException("BENCH_NODE must be jvm or process, not '" + node + "'");
        }
        if (System.getenv("SF_BOOTSTRAP") == null) {
            throw new IllegalStateException("BENCH_NODE=process needs a broker in its own JVM (bench/broker, SF_BOOTSTRAP):"
                    + " the in-JVM test kit would live in this JVM only");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String opts = System.getenv().getOrDefault("BENCH_NODE_JAVA_OPTS", "").trim();
        if (!opts.isEmpty()) {
            command.addAll(List.of(opts.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), InstallationMain.class.getName(), file.toString()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            System.out.println("node JVM: " + line);
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("the node's JVM exited before it was ready (exit " + waitFor(p) + ")");
        }
        String[] ready = line.split(" ");
        Thread drain = new Thread(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    System.out.println("node JVM: " + l);
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "bench-node-stdout");
        drain.setDaemon(true);
        drain.start();
        return new BenchInstallation(Installation.runningElsewhere(ready[1], ready[2]),
                "coordinator and writer node in a child JVM (pid " + p.pid() + ", JVM defaults" + (opts.isEmpty() ? "" : " and " + opts) + ")",
                null, p);
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Stops the node and the coordinator; a child JVM is told by closing its stdin, and killed after 30 s. */
    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
        sf.close();
        if (child != null) {
            child.getOutputStream().close();
            if (waitFor(child) == -1) {
                child.destroyForcibly();
            }
        }
    }
}
