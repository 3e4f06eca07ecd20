package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sf submit} and {@code sf collect} as processes, with a real broker, coordinator and
 * writer: payloads from files and stdin arrive byte for byte, and Ctrl-C on a waiting collect
 * says what it had and how to go on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubmitAndCollectIT {

    private static final String PREFIX = "cliit" + System.nanoTime() + ".";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static SfProcesses sf;

    @BeforeAll
    static void startRoles() throws Exception {
        // A short shutdown timeout: the Ctrl-C test leaves a long sleep task running on this writer.
        sf = SfProcesses.withWriter(PREFIX, dir.resolve("it.h5"), "SubmitAndCollectIT", "writer.shutdown.timeout.ms=1000\n");
    }

    @AfterAll
    static void stopRoles() throws Exception {
        if (sf != null) {
            sf.close();
        }
    }

    @Test
    @Order(1)
    void payload_from_a_file_stdin_or_from_lines_reaches_the_writer_byte_for_byte() throws Exception {
        // Beyond the OS limit on one argument (128 KiB), with quotes, backslashes, tabs and newlines.
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 300 * 1024; i++) {
            b.append("{\"n\":").append(i).append(",\"say\":\"it's \\\"quoted\\\"\",\t\"path\":\"C:\\\\x\"}\n");
        }
        String text = b.toString();
        Path file = Files.writeString(dir.resolve("payload.txt"), text);

        SfProcesses.Run fromFile = sf.run("submit", "--topic-prefix=" + PREFIX, "--type=echo", "--payload=@" + file,
                "--wait", "--json", "--timeout=120s");
        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(outputs(fromFile)).containsExactly(text);

        SfProcesses.Run fromStdin = sf.run(text.getBytes(StandardCharsets.UTF_8), "submit", "--topic-prefix=" + PREFIX,
                "--type=echo", "--payload=-", "--wait", "--json", "--timeout=120s");
        assertThat(fromStdin.exit()).as(fromStdin.err()).isZero();
        assertThat(outputs(fromStdin)).containsExactly(text);

        String lines = "{\"payload\":\"one \\\"1\\\"\"}\n{\"payload\":\"two\",\"routing_key\":\"k\"}\n\n{\"type\":\"echo\",\"payload\":\"three\"}\n";
        SfProcesses.Run fromLines = sf.run(lines.getBytes(StandardCharsets.UTF_8), "submit", "--topic-prefix=" + PREFIX,
                "--type=echo", "--from=-", "--wait", "--json", "--timeout=120s");
        assertThat(fromLines.exit()).as(fromLines.err()).isZero();
        assertThat(outputs(fromLines)).containsExactly("one \"1\"", "two", "three");
    }

    @Test
    @Order(2)
    void ctrl_c_on_a_waiting_collect_exits_130_and_says_what_was_collected_and_how_to_resume() throws Exception {
        SfProcesses.Run done = sf.run("submit", "--topic-prefix=" + PREFIX, "--type=echo", "--payload=first", "--count=2",
                "--wait", "--json", "--timeout=120s");
        assertThat(done.exit()).as(done.err()).isZero();
        String session = JSON.readTree(done.out()).get("session").asText();
        SfProcesses.Run pending = sf.run("submit", "--topic-prefix=" + PREFIX, "--session=" + session, "--type=sleep",
                "--payload=600", "--json");
        assertThat(pending.exit()).as(pending.err()).isZero();
        String slow = JSON.readTree(pending.out()).get("tasks").get(0).asText();

        Process collect = sf.start("collect", "--topic-prefix=" + PREFIX, "--session=" + session, "--timeout=300s");
        SfProcesses.Drain out = new SfProcesses.Drain(collect.getInputStream());
        SfProcesses.Drain err = new SfProcesses.Drain(collect.getErrorStream());
        await().atMost(Duration.ofSeconds(90)).until(() -> err.now().contains("waiting up to") || !collect.isAlive());
        assertThat(err.now()).as("collect waits for the sleep task; alive %s; stdout:%n%s", collect.isAlive(), out.now())
                .contains("2 results in, 1 missing");

        new ProcessBuilder("kill", "-INT", Long.toString(collect.pid())).start().waitFor();
        assertThat(collect.waitFor(20, TimeUnit.SECONDS)).as("collect ends within seconds of Ctrl-C").isTrue();
        String stdout = out.text();
        String stderr = err.text();
        assertThat(collect.exitValue()).as(stdout + stderr).isEqualTo(130);
        assertThat(stdout.lines().filter(l -> l.contains(" OK ") && l.endsWith("first"))).as(stdout).hasSize(2);
        assertThat(stdout).contains(slow + "  MISSING");
        assertThat(stderr).contains("interrupted: 2 results collected, 1 missing")
                .contains("Resume with: sf collect --session " + session + " --bootstrap " + sf.bootstrap()
                        + " --topic-prefix " + PREFIX);
    }

    private static List<String> outputs(SfProcesses.Run run) throws Exception {
        JsonNode root = JSON.readTree(run.out());
        assertThat(root.get("complete").asBoolean()).as(run.toString()).isTrue();
        List<String> outputs = new ArrayList<>();
        for (JsonNode r : root.get("results")) {
            assertThat(r.get("status").asText()).as(run.toString()).isEqualTo("OK");
            outputs.add(r.get("output").asText());
        }
        return outputs;
    }
}
