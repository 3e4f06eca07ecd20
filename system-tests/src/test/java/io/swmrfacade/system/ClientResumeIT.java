package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.writer.WriterNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client killed with SIGKILL in the middle of a run, and its session resumed by a new facade:
 * every task the broker holds for the session gets its result, including those produced while no
 * client was running; only tasks the broker never received may be absent.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClientResumeIT {

    private static final int TASKS = 3_000;

    @TempDir
    Path dir;

    @Test
    void a_session_resumed_after_kill_9_collects_every_result_including_those_produced_while_it_was_down() throws Exception {
        try (Installation sf = new Installation("resume", 3)) {
            WriterNode writer = sf.writer(dir.resolve("resume.h5"), "resume-writer");
            // The client's stdout goes to a file, read whole after the kill: a thread reading the pipe
            // lost the last lines once when the JDK closed it as the process died ("IOException: Bad
            // file descriptor" in that thread), which looked like tasks on the broker never printed.
            Path out = dir.resolve("client.out");
            Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), ClientSubmitterMain.class.getName(), sf.bootstrap, sf.prefix,
                    String.valueOf(TASKS)).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("client.log").toFile())).start();
            try {
                // Kill it mid-run: results are coming in, and it has not submitted everything yet.
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> printed(out).stream().filter(l -> l.startsWith("RESULT ")).count() >= 200);
                client.destroyForcibly();
                assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                client.destroyForcibly();
            }
            List<String> lines = printed(out);
            assertThat(lines).as("lines of %s", out).isNotEmpty();
            assertThat(lines.get(0)).as("first line of %s", out).startsWith("SESSION ");
            SessionId session = new SessionId(lines.get(0).substring("SESSION ".length()));
            Set<TaskId> submitted = new HashSet<>();
            Map<TaskId, String> seenByDeadClient = new HashMap<>();
            for (String line : lines) {
                String[] w = line.split(" ");
                if (w[0].equals("SUBMITTED")) {
                    submitted.add(new TaskId(w[1]));
                } else if (w[0].equals("RESULT")) {
                    seenByDeadClient.put(new TaskId(w[1]), w[2]);
                }
            }
            assertThat(submitted).as("the kill came before the end of the run").hasSizeLessThan(TASKS);

            // What the broker really holds for the session: the truth the resumed client must match.
            Set<TaskId> onBroker = idsOf(sf, sf.prefix + "tasks", session);
            Set<TaskId> journaled = journaled(sf, session);
            // One thread submits, so at most the one submit under way at the kill reached the broker
            // without its id being printed; ids are time-ordered, so it is later than every printed one.
            Set<TaskId> unprinted = new TreeSet<>(onBroker);
            unprinted.removeAll(submitted);
            assertThat(unprinted).as("tasks on the broker the dead client never printed").hasSizeLessThanOrEqualTo(1);
            TaskId lastPrinted = java.util.Collections.max(submitted);
            unprinted.forEach(id -> assertThat(id).isGreaterThan(lastPrinted));
            assertThat(onBroker).containsAll(journaled).containsAll(seenByDeadClient.keySet());
            assertThat(journaled).as("the dead client had journaled tasks").isNotEmpty();
            // The writer finishes the session's tasks while no client runs.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> writer.tasksDone() >= onBroker.size());

            try (TaskFacade resumed = sf.facade().resume(session).build()) {
                CollectResult all = resumed.collect(Duration.ofSeconds(60));
                assertThat(all.missing()).isEmpty();
                assertThat(all.results()).extracting(TaskResult::id).containsExactlyElementsOf(new TreeSet<>(onBroker));
                assertThat(all.results()).allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(TaskStatus.OK);
                    assertThat(r.outputText()).startsWith("resumed ");
                });
                seenByDeadClient.forEach((id, status) -> assertThat(status).isEqualTo("OK"));

                // The resumed session goes on: new tasks join it and are collected with the old ones.
                TaskHandle more = resumed.submit(Task.of("echo", "after resume"));
                CollectResult again = resumed.collect(Duration.ofSeconds(60));
                assertThat(again.missing()).isEmpty();
                assertThat(again.results()).hasSize(onBroker.size() + 1);
                assertThat(more.result().get(1, TimeUnit.SECONDS).outputText()).isEqualTo("after resume");
            }
            writer.close();
            assertThat(writer.failure()).isNull();
        }
    }

    /** The client's complete lines so far (a line the kill cut short has no newline and is left out). */
    private static List<String> printed(Path out) throws java.io.IOException {
        String text = Files.readString(out, StandardCharsets.UTF_8);
        return List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n")).stream().filter(l -> !l.isEmpty()).toList();
    }

    private static Set<TaskId> idsOf(Installation sf, String topic, SessionId session) {
        Set<TaskId> ids = new HashSet<>();
        ClientTopics.readAll(sf.bootstrap, topic, r -> true).forEach(r -> {
            try {
                TaskRequest t = TaskRequest.parseFrom(r.value());
                if (t.getSessionId().equals(session.value())) {
                    ids.add(new TaskId(t.getTaskId()));
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError("not a TaskRequest on " + topic, e);
            }
        });
        return ids;
    }

    private static Set<TaskId> journaled(Installation sf, SessionId session) {
        return new HashSet<>(SessionJournal.ids(SessionJournal.records(sf.bootstrap, sf.prefix + "events", session)));
    }
}
