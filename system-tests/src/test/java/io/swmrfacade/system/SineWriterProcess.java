package io.swmrfacade.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link SineWriterMain} in a child JVM, driven over stdin with bounded waits for its answers. */
final class SineWriterProcess implements AutoCloseable {

    private static final long ANSWER_TIMEOUT_S = 30;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private SineWriterProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process died: nothing more to read.
            }
        }, "sine-writer-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts the writer and waits until it has made the file and its stream. */
    static SineWriterProcess start(Path file, String stream, double rateHz, int chunk, long period) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SineWriterMain.class.getName(), file.toString(), stream, Double.toString(rateHz), Integer.toString(chunk),
                Long.toString(period)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        SineWriterProcess w = new SineWriterProcess(p);
        w.expect("READY");
        return w;
    }

    long pid() {
        return process.pid();
    }

    /** Sends a command and waits for its {@code ok}. */
    void command(String command) throws Exception {
        stdin.write(command + "\n");
        stdin.flush();
        expect("ok");
    }

    private void expect(String prefix) throws Exception {
        String line = lines.poll(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
        if (line == null || !line.startsWith(prefix)) {
            throw new AssertionError("sine writer said '" + line + "' within " + ANSWER_TIMEOUT_S + " s, expected '" + prefix
                    + "'" + (process.isAlive() ? "" : "; it exited with " + process.exitValue()));
        }
    }

    /** SIGKILL, waiting until the process is gone. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("sine writer survived SIGKILL for 10 s");
        }
    }
}
