package io.swmrfacade.reader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link ScriptedWriterMain} in a child JVM, with bounded waits for its answers. */
final class WriterProcess implements AutoCloseable {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private WriterProcess(Process process) {
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
        }, "writer-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts a writer on {@code file} and returns the number of rows it found there. */
    static WriterProcess start(Path file) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ScriptedWriterMain.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new WriterProcess(p);
    }

    /** Waits for the READY line and returns the rows the writer found in the file. */
    long ready() throws Exception {
        return Long.parseLong(expect("READY rows=").substring("READY rows=".length()));
    }

    /** Sends a command and waits until the writer has flushed its data. */
    void command(String command) throws Exception {
        send(command);
        expect("ok");
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** The next line, which must start with {@code prefix}. */
    String expect(String prefix) throws Exception {
        String line = lines.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("writer did not answer '" + prefix + "' within " + ANSWER_TIMEOUT
                    + (process.isAlive() ? "" : "; it exited with " + process.exitValue()));
        }
        if (!line.startsWith(prefix)) {
            throw new AssertionError("writer said '" + line + "', expected '" + prefix + "...'");
        }
        return line;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("writer survived SIGKILL for 10 s");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill9();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
