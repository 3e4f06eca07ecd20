package io.swmrfacade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;

/** Prints a collected session for people, or as JSON for scripts; and says what the exit code is. */
final class ResultPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultPrinter() {
    }

    static void print(SessionId session, CollectResult all, boolean json, PrintStream out) {
        if (json) {
            ObjectNode root = JSON.createObjectNode().put("session", session.value()).put("complete", all.complete());
            ArrayNode results = root.putArray("results");
            all.results().forEach(r -> results.add(json(r)));
            ArrayNode missing = root.putArray("missing");
            all.missing().forEach(id -> missing.add(id.value()));
            out.println(root.toString());
            return;
        }
        all.results().forEach(r -> out.println(line(r)));
        for (TaskId id : all.missing()) {
            out.printf("%s  %-14s %s%n", id, "MISSING", "no result yet");
        }
        Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
        all.results().forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        out.printf("session %s: %d results %s, %d missing%n", session, all.results().size(), counts, all.missing().size());
    }

    /** One result as a JSON object: id, sequence, type, status, attempts, worker, file, row, and output or error. */
    static ObjectNode json(TaskResult r) {
        ObjectNode o = JSON.createObjectNode().put("id", r.id().value()).put("sequence", r.sequence()).put("type", r.type())
                .put("status", r.status().name()).put("attempts", r.attempts()).put("worker", r.workerId())
                .put("file", r.file()).put("row", r.row());
        if (r.status() == TaskStatus.OK) {
            o.put("output", r.outputText());
        } else {
            o.put("error", r.error());
        }
        return o;
    }

    /** One result as a line for people: id, status, and the output or error cut at 200 characters. */
    static String line(TaskResult r) {
        String detail = r.status() == TaskStatus.OK ? r.outputText() : r.error();
        return String.format("%s  %-14s %s", r.id(), r.status(), detail.length() > 200 ? detail.substring(0, 200) + "..." : detail);
    }

    static int exitCode(CollectResult all) {
        if (!all.complete()) {
            return Main.MISSING;
        }
        return all.allSucceeded() ? 0 : Main.TASKS_FAILED;
    }
}
