package io.swmrfacade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "submit", description = "Submit tasks; prints the session id (for sf collect) and the task ids.")
final class SubmitCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--type", required = true, description = "Task type: echo, sleep, append, or a plugin's.")
    String type;

    @Option(names = "--payload", defaultValue = "", description = "The payload; @FILE reads a file. For append: JSON "
            + "{\"stream\":\"/a/b/Ex\",\"dtype\":\"float32\",\"values\":[1,2,3]}.")
    String payload;

    @Option(names = "--count", defaultValue = "1", description = "How many such tasks (default 1).")
    int count;

    @Option(names = "--routing-key", description = "Tasks with the same key run in order.")
    String routingKey;

    @Option(names = "--deadline", converter = DurationConverter.class, description = "Expire if not started within this time.")
    Duration deadline;

    @Option(names = "--max-attempts", defaultValue = "0", description = "Worker crashes allowed before WORKER_CRASHED.")
    int maxAttempts;

    @Option(names = "--retries", defaultValue = "0", description = "Retry a FAILED run this many times (default 0).")
    int retries;

    @Option(names = "--retry-backoff", defaultValue = "1s", converter = DurationConverter.class,
            description = "Wait before the first retry; doubles each time (default ${DEFAULT-VALUE}).")
    Duration retryBackoff;

    @Option(names = "--session", description = "Add the tasks to this existing session instead of a new one.")
    String session;

    @Option(names = "--wait", description = "Collect the results before returning (exit code says how they went).")
    boolean await;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "With --wait: longest wait for results; otherwise how long close may take to deliver (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, not " + count);
        }
        byte[] body = payloadBytes();
        TaskFacade.Builder builder = TaskFacade.builder().bootstrap(cluster.bootstrap()).topicPrefix(cluster.topicPrefix());
        if (session != null) {
            builder.resume(new SessionId(session));
        }
        try (TaskFacade facade = builder.build()) {
            List<TaskId> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Task task = Task.of(type, body).withMaxAttempts(maxAttempts).withRoutingKey(routingKey)
                        .withRetries(retries, retryBackoff);
                if (deadline != null) {
                    task = task.withDeadline(Instant.now().plus(deadline));
                }
                TaskHandle h = facade.submit(task);
                ids.add(h.id());
            }
            if (await) {
                CollectResult all = CollectCommand.collectWithProgress(facade, timeout, !json && System.console() != null ? System.err : null);
                ResultPrinter.print(facade.session(), all, json, System.out);
                return ResultPrinter.exitCode(all);
            }
            List<TaskId> notSent = facade.close(timeout);
            print(facade.session(), ids, notSent);
            return notSent.isEmpty() ? 0 : Main.ERROR;
        }
    }

    private void print(SessionId s, List<TaskId> ids, List<TaskId> notSent) {
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
                    + " tasks were not confirmed by the broker at " + cluster.bootstrap() + " within " + timeout.toSeconds() + " s");
        }
    }

    private byte[] payloadBytes() throws java.io.IOException {
        byte[] raw = payload.startsWith("@") ? Files.readAllBytes(Path.of(payload.substring(1)))
                : payload.getBytes(StandardCharsets.UTF_8);
        if (type.equals("append")) {
            return AppendJson.parse(new String(raw, StandardCharsets.UTF_8));
        }
        return raw;
    }
}
