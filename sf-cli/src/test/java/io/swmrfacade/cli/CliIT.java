package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swmrfacade.broker.LocalBroker;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sf commands as a user types them, each its own process, on the local broker: submit in one
 * process, then collect and results from others, by session id alone.
 */
class CliIT {

    private static final Path HOME = Path.of(System.getProperty("user.dir")).getParent();
    private static final String PREFIX = "cli" + System.nanoTime() + ".";
    private static final List<Process> ROLES = new ArrayList<>();
    private static boolean startedBroker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startRoles() throws Exception {
        LocalBroker broker = new LocalBroker(HOME);
        assumeTrue(broker.status().running() || portFree(9092), "127.0.0.1:9092 is taken by something else");
        startedBroker = !broker.status().running();
        broker.start(Duration.ofSeconds(90));
        // Both at once, as a user may start them: the writer waits for the topics the coordinator makes.
        ROLES.add(role("coordinator", "--topic-prefix=" + PREFIX));
        ROLES.add(role("writer", "--topic-prefix=" + PREFIX, "--file=" + dir.resolve("cli.h5"), "--id=cli-writer"));
    }

    @AfterAll
    static void stopRoles() {
        ROLES.forEach(p -> Children.stop(p, 20));
        if (startedBroker) {
            new LocalBroker(HOME).stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void submit_then_collect_and_results_from_other_processes_by_session_id() throws Exception {
        Run submit = run("submit", "--topic-prefix=" + PREFIX, "--type=sleep", "--payload=0.2", "--count=3", "--json");
        assertThat(submit.exit).as(submit.out).isZero();
        JsonNode submitted = new ObjectMapper().readTree(submit.out);
        String session = submitted.get("session").asText();
        assertThat(submitted.get("tasks")).hasSize(3);

        Run collect = run("collect", "--topic-prefix=" + PREFIX, "--session=" + session, "--timeout=60s", "--json");
        assertThat(collect.exit).as("%s%nwriter's output:%n%s", collect.out, roleOutput("writer")).isZero();
        JsonNode collected = new ObjectMapper().readTree(collect.out);
        assertThat(collected.get("complete").asBoolean()).isTrue();
        assertThat(collected.get("results")).hasSize(3);
        for (JsonNode r : collected.get("results")) {
            assertThat(r.get("status").asText()).isEqualTo("OK");
            assertThat(r.get("output").asText()).isEqualTo(r.get("id").asText() + " solved after 0.2");
        }

        Run results = run("results", "--topic-prefix=" + PREFIX, "--session=" + session, "--timeout=30s");
        assertThat(results.exit).as(results.out).isZero();
        assertThat(results.out.lines().filter(l -> l.contains(" OK "))).hasSize(3);

        Run bad = run("submit", "--topic-prefix=" + PREFIX, "--type=nope", "--payload=x", "--wait", "--timeout=60s");
        assertThat(bad.exit).as("a task that did not succeed: exit 1; %s", bad.out).isEqualTo(Main.TASKS_FAILED);
        assertThat(bad.out).contains("REJECTED").contains("unknown task type 'nope'");
    }

    private record Run(int exit, String out) {
    }

    private static Run run(String... args) throws Exception {
        Process p = sf(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** A long-running sf command, its output and errors in {@code <dir>/<command>.log}. */
    private static Process role(String command, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/sf").toString(), command));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(HOME.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(command + ".log").toFile()).start();
    }

    private static String roleOutput(String command) throws IOException {
        return Files.readString(dir.resolve(command + ".log"));
    }

    private static Process sf(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(HOME.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static boolean portFree(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
