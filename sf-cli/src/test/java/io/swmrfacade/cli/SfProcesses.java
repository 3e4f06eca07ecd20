package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.testkafka.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * Runs {@code bin/sf} commands as a user would, each its own process, against a real in-JVM
 * KRaft broker on a free port (so these tests never depend on, or disturb, 127.0.0.1:9092).
 */
final class SfProcesses implements AutoCloseable {

    /** The repository root: the working folder (bench/run) or its parent (Maven runs tests in sf-cli/). */
    static final Path HOME = home(Path.of(System.getProperty("user.dir")).toAbsolutePath());

    private final KafkaClusterTestKit cluster;
    private final List<Process> started = new ArrayList<>();
    private Run topicCheck;

    /** A broker of its own, with nothing on it yet. */
    SfProcesses() {
        cluster = TestKafka.startPrivate();
    }

    /**
     * A broker with an installation on it, set up as a user would: its topics made by {@code sf
     * coordinator --check --topic-prefix=prefix} (see {@link #topicCheck}), and one {@code sf
     * writer} on {@code file} with the settings {@code writerProperties}, logging to
     * {@code target/it-logs/<name>-writer.log}.
     */
    static SfProcesses withWriter(String prefix, Path file, String name, String writerProperties) throws Exception {
        SfProcesses sf = new SfProcesses();
        try {
            sf.topicCheck = sf.run("coordinator", "--check", "--topic-prefix=" + prefix);
            assertThat(sf.topicCheck.exit()).as(sf.topicCheck.toString()).isZero();
            Path config = Files.writeString(file.resolveSibling(name + "-writer.properties"), writerProperties);
            Path logs = Files.createDirectories(Path.of("target", "it-logs"));
            sf.startRole(logs.resolve(name + "-writer.log"), "writer", "--topic-prefix=" + prefix, "--file=" + file,
                    "--id=" + name + "-writer", "--config=" + config);
            return sf;
        } catch (Exception | AssertionError e) {
            sf.close();
            throw e;
        }
    }

    /** What {@code sf coordinator --check} said in {@link #withWriter}. */
    Run topicCheck() {
        return topicCheck;
    }

    private static Path home(Path dir) {
        return Files.isExecutable(dir.resolve("bin/sf")) ? dir : dir.getParent();
    }

    String bootstrap() {
        return cluster.bootstrapServers();
    }

    /** A finished command: its exit status and everything it wrote. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Starts {@code bin/sf args...} with the broker's address; the caller reads its streams. */
    Process start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** As {@link #start(String...)}, with {@code env} added to the environment. */
    Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        if (!args[0].equals("--version")) {
            cmd.add("--bootstrap=" + bootstrap());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    /** Starts a long-running role ({@code bin/sf writer ...}) with its stdout and stderr in {@code log}. */
    Process startRole(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        cmd.add("--bootstrap=" + bootstrap());
        Process p = new ProcessBuilder(cmd).directory(HOME.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    /** Runs {@code bin/sf args...} to its end (at most 3 minutes), feeding it {@code stdin}. */
    Run run(byte[] stdin, String... args) throws Exception {
        return run(Map.of(), stdin, args);
    }

    /** As {@link #run(byte[], String...)}, with {@code env} added to the environment. */
    Run run(Map<String, String> env, byte[] stdin, String... args) throws Exception {
        Process p = start(env, args);
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            // the command did not want its stdin
        }
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("sf %s ended", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), out.text(), err.text());
    }

    Run run(String... args) throws Exception {
        return run(new byte[0], args);
    }

    /** Collects a stream on a thread of its own, so a chatty process never blocks on a full pipe. */
    static final class Drain {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream in) {
            thread = new Thread(() -> {
                byte[] b = new byte[8192];
                try {
                    for (int n; (n = in.read(b)) > 0; ) {
                        synchronized (bytes) {
                            bytes.write(b, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        /** What arrived so far. */
        String now() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        /** Everything, once the stream has ended. */
        String text() throws InterruptedException {
            thread.join(30_000);
            return now();
        }
    }

    @Override
    public void close() throws Exception {
        synchronized (started) {
            started.forEach(Process::destroy);
            for (Process p : started) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        cluster.close();
    }
}
