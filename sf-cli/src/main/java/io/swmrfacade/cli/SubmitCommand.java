package io.swmrfacade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "submit", description = "Submit tasks; prints the session id (for sf collect) and the task ids.")
final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--type", description = "Task type: echo, sleep, append, or a plugin's. Required unless every --from line "
            + "names its type (default: none).")
    String type;

    @Option(names = "--payload", paramLabel = "TEXT|@FILE|-", description = "The payload: the text itself, @FILE for a file's "
            + "bytes, - for standard input's, as they are and of any size. For append: JSON "
            + "{\"stream\":\"/a/b/Ex\",\"dtype\":\"float32\",\"values\":[1,2,3]} (default: empty).")
    String payload;

    @Option(names = "--count", defaultValue = "1", description = "How many such tasks.")
    int count;

    @Option(names = "--from", paramLabel = "FILE|-", description = "Many tasks in one go: one JSON object per line of FILE "
            + "(- for standard input), {\"type\":\"echo\",\"payload\":\"hi\",\"routing_key\":\"k\"}; type defaults to --type, "
            + "routing_key to --routing-key. Every line is checked before any is sent (default: none).")
    String from;

    @Option(names = "--routing-key", description = "Tasks with the same key run in order (default: none).")
    String routingKey;

    @Option(names = "--deadline", converter = DurationConverter.class, description = "The task expires (EXPIRED) if not started within this time, e.g. 30s; a run past it is interrupted if its type allows it (default: never).")
    Duration deadline;

    @Option(names = "--max-attempts", defaultValue = "0", description = "Worker crashes allowed before WORKER_CRASHED; 0 means the writer's writer.max.attempts (3).")
    int maxAttempts;

    @Option(names = "--retries", defaultValue = "0", description = "Retry a FAILED run this many times.")
    int retries;

    @Option(names = "--retry-backoff", defaultValue = "1s", converter = DurationConverter.class,
            description = "Wait before the first retry; doubles each time.")
    Duration retryBackoff;

    @Option(names = "--session", description = "Add the tasks to this existing session (default: a new session).")
    String session;

    @Option(names = "--wait", description = "Collect the results before returning (exit code says how they went).")
    boolean await;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "With --wait: longest wait for results; otherwise how long delivering to the broker may take.")
    Duration timeout;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PhaseTimes times = new PhaseTimes();
        List<TaskLines.Line> lines = tasks();
        times.mark("read tasks");
        TaskFacade.Builder builder = cluster.facade();
        if (session != null) {
            builder.resume(new SessionId(session));
        }
        try (TaskFacade facade = builder.build()) {
            times.mark("facade build");
            List<TaskId> ids = new ArrayList<>(lines.size());
            List<TaskHandle> handles = new ArrayList<>(lines.size());
            Instant expires = deadline == null ? null : Instant.now().plus(deadline);
            for (TaskLines.Line line : lines) {
                Task task = Task.of(line.type(), line.payload()).withMaxAttempts(maxAttempts)
                        .withRoutingKey(line.routingKey() != null ? line.routingKey() : routingKey)
                        .withRetries(retries, retryBackoff);
                if (expires != null) {
                    task = task.withDeadline(expires);
                }
                TaskHandle h = facade.submit(task);
                ids.add(h.id());
                handles.add(h);
            }
            times.mark("submit " + ids.size());
            if (await) {
                return CollectCommand.collectAndPrint(facade, facade.session(), timeout, json, cluster, "sf submit");
            }
            List<TaskId> notSent = facade.close(timeout);
            times.mark("deliver+close");
            print(facade.session(), ids, notSent, whyNotSent(handles));
            times.mark("print");
            times.print("sf submit");
            return notSent.isEmpty() ? 0 : Main.ERROR;
        }
    }

    /** The first reason the facade gave for a task it could not send (an authorization error, say), or "". */
    private static String whyNotSent(List<TaskHandle> handles) {
        return handles.stream().map(h -> h.result().getNow(null))
                .filter(r -> r != null && r.status() == io.swmrfacade.client.TaskStatus.NOT_SENT && r.error() != null)
                .map(r -> ": " + r.error()).findFirst().orElse("");
    }

    private void print(SessionId s, List<TaskId> ids, List<TaskId> notSent, String why) {
        if (json) {
            ObjectNode root = new ObjectMapper().createObjectNode().put("session", s.value());
            ids.forEach(id -> root.withArray("tasks").add(id.value()));
            notSent.forEach(id -> root.withArray("not_sent").add(id.value()));
            System.out.println(root);
            return;
        }
        System.out.println("session " + s);
        ids.forEach(id -> System.out.println("task " + id));
        if (!notSent.isEmpty()) {
            System.err.println("sf submit: " + notSent.size() + " of " + ids.size()
                    + " tasks were not confirmed by the broker at " + cluster.bootstrap() + " within " + timeout.toSeconds() + " s" + why);
        }
    }

    /** The tasks to submit, all read and checked before the first is sent. */
    private List<TaskLines.Line> tasks() throws IOException {
        if (from != null) {
            if (payload != null || count != 1) {
                throw new IllegalArgumentException("--from gives one task per line: drop " + (payload != null ? "--payload" : "--count"));
            }
            if (from.equals("-")) {
                return TaskLines.read(System.in, "-", type);
            }
            try (InputStream in = Files.newInputStream(Path.of(from))) {
                return TaskLines.read(in, from, type);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--from " + from + ": no such file " + Path.of(from).toAbsolutePath());
            }
        }
        if (type == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--type=<type>' (or --from FILE)");
        }
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, not " + count);
        }
        byte[] raw = PayloadArg.read(payload == null ? "" : payload, System.in);
        byte[] body = type.equals("append") ? AppendJson.parse(new String(raw, StandardCharsets.UTF_8)) : raw;
        return Collections.nCopies(count, new TaskLines.Line(0, type, body, null));
    }
}
