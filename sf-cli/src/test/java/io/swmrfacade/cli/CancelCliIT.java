package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sf cancel} and {@code sf submit --deadline} as processes, with a real broker,
 * coordinator and writer (one sleep at a time, so tasks queue).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CancelCliIT {

    private static final String PREFIX = "cancelit" + System.nanoTime() + ".";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static SfProcesses sf;

    @BeforeAll
    static void startRoles() throws Exception {
        sf = SfProcesses.withWriter(PREFIX, dir.resolve("cancel.h5"), "CancelCliIT",
                "writer.shutdown.timeout.ms=1000\nwriter.concurrency=sleep=1\n");
        // The coordinator owns the cancels topic too: it is there before any writer starts.
        assertThat(sf.topicCheck().out()).as(sf.topicCheck().toString()).contains("ok       " + PREFIX + "cancels (created)");
    }

    @AfterAll
    static void stopRoles() throws Exception {
        if (sf != null) {
            sf.close();
        }
    }

    private static JsonNode submit(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "submit";
        all[1] = "--topic-prefix=" + PREFIX;
        System.arraycopy(args, 0, all, 2, args.length);
        SfProcesses.Run r = sf.run(all);
        assertThat(r.exit()).as(r.toString()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    @Order(1)
    void sf_cancel_ends_queued_and_running_tasks_cancelled_and_says_a_finished_one_is_unchanged() throws Exception {
        // The writer answers a first task (so it is up), then one sleep runs and two queue behind it.
        JsonNode done = submit("--type=echo", "--payload=kept", "--wait", "--json", "--timeout=120s");
        String session = done.get("session").asText();
        String finished = done.get("results").get(0).get("id").asText();
        JsonNode slow = submit("--session=" + session, "--type=sleep", "--payload=600", "--json");
        JsonNode quick = submit("--session=" + session, "--type=sleep", "--payload=0.1", "--count=2", "--json");
        String running = slow.get("tasks").get(0).asText();
        String queued = quick.get("tasks").get(0).asText();
        String last = quick.get("tasks").get(1).asText();

        SfProcesses.Run cancel = sf.run("cancel", "--topic-prefix=" + PREFIX, "--session=" + session, queued, running,
                finished, "--timeout=120s");
        assertThat(cancel.exit()).as(cancel.toString()).isZero();
        assertThat(cancel.out()).contains(queued + " CANCELLED: cancelled by")
                .contains(running + " CANCELLED: cancelled by")
                .contains(finished + " OK: not cancelled, its result stands")
                .contains("2 cancelled, 1 unchanged, 0 without a result yet");

        SfProcesses.Run rest = sf.run("collect", "--topic-prefix=" + PREFIX, "--session=" + session, "--json", "--timeout=120s");
        JsonNode results = JSON.readTree(rest.out()).get("results");
        assertThat(results).hasSize(4);
        for (JsonNode r : results) {
            String id = r.get("id").asText();
            String expected = id.equals(finished) || id.equals(last) ? "OK" : "CANCELLED";
            assertThat(r.get("status").asText()).as(r.toString()).isEqualTo(expected);
        }
    }

    @Test
    @Order(2)
    void sf_cancel_of_a_whole_session_and_usage_errors() throws Exception {
        JsonNode slow = submit("--type=sleep", "--payload=600", "--count=3", "--json");
        String session = slow.get("session").asText();
        SfProcesses.Run cancel = sf.run("cancel", "--topic-prefix=" + PREFIX, "--session=" + session, "--timeout=120s");
        assertThat(cancel.exit()).as(cancel.toString()).isZero();
        assertThat(cancel.out()).contains("3 cancelled, 0 unchanged, 0 without a result yet");

        SfProcesses.Run none = sf.run("cancel", "--topic-prefix=" + PREFIX);
        assertThat(none.exit()).isEqualTo(Main.USAGE);
        assertThat(none.err()).contains("name the tasks to cancel (ID...), --session S, or both");
        SfProcesses.Run bad = sf.run("cancel", "--topic-prefix=" + PREFIX, "--session=not-a-session");
        assertThat(bad.exit()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("--session 'not-a-session'");
    }

    @Test
    @Order(3)
    void sf_submit_deadline_expires_a_task_still_running_at_its_deadline() throws Exception {
        SfProcesses.Run r = sf.run("submit", "--topic-prefix=" + PREFIX, "--type=sleep", "--payload=600", "--deadline=6s",
                "--wait", "--json", "--timeout=120s");
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.TASKS_FAILED);
        JsonNode result = JSON.readTree(r.out()).get("results").get(0);
        assertThat(result.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(result.get("error").asText()).startsWith("deadline passed after the task had run").endsWith("interrupted");
    }

    @Test
    @Order(4)
    void sf_submit_deadline_expires_tasks_queued_past_it() throws Exception {
        JsonNode busy = submit("--type=sleep", "--payload=4", "--json");
        SfProcesses.Run r = sf.run("submit", "--topic-prefix=" + PREFIX, "--type=sleep", "--payload=0.1", "--count=3",
                "--deadline=1s", "--wait", "--json", "--timeout=120s");
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.TASKS_FAILED);
        JsonNode results = JSON.readTree(r.out()).get("results");
        assertThat(results).hasSize(3);
        for (JsonNode res : results) {
            assertThat(res.get("status").asText()).as(res.toString()).isEqualTo("EXPIRED");
            assertThat(res.get("error").asText()).contains("before a worker could start the task");
        }
        assertThat(busy.get("tasks")).hasSize(1);
    }
}
