package io.swmrfacade.cli;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sf cancel}: sends cancel requests to the cancels topic that every writer node follows,
 * and, given the session, waits for the tasks' results and says what the cancel did to each.
 */
@Command(name = "cancel", description = {
        "Cancel tasks. One not started yet never runs; a running one is interrupted if its type allows it;"
                + " both end CANCELLED. A finished one keeps its result: the cancel changes nothing.",
        "With --session, waits for the tasks' results and says which were cancelled; with --session alone, cancels"
                + " every task of the session (also those submitted later)."})
final class CancelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Ids of the tasks to cancel, as sf submit printed them.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--session", paramLabel = "S",
            description = "The tasks' session: with IDs, wait for their results and report them; alone, cancel the whole session (default: none).")
    String session;

    @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Longest wait for the broker to take the cancels, and (with --session) for the results.")
    Duration timeout;

    @Override
    public Integer call() {
        if (ids.isEmpty() && session == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name the tasks to cancel (ID...), --session S, or both");
        }
        List<TaskId> tasks = new ArrayList<>();
        for (String id : ids) {
            try {
                tasks.add(new TaskId(id));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "ID '" + id + "': " + e.getMessage());
            }
        }
        SessionId sid = null;
        if (session != null) {
            try {
                sid = new SessionId(session);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--session '" + session + "': " + e.getMessage());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        TaskFacade.Builder builder = cluster.facade();
        TaskFacade facade = (sid == null ? builder : builder.resume(sid)).build();
        try {
            Map<String, CompletableFuture<Void>> sent = new LinkedHashMap<>();
            if (tasks.isEmpty()) {
                sent.put("session " + sid, facade.cancelSession());
            }
            for (TaskId t : tasks) {
                sent.put("task " + t, facade.cancel(t));
            }
            for (Map.Entry<String, CompletableFuture<Void>> e : sent.entrySet()) {
                awaitSent(e.getKey(), e.getValue(), deadline);
            }
            if (sid == null) {
                for (TaskId t : tasks) {
                    System.out.println(t + " cancel sent");
                }
                System.out.println("each task's result says what the cancel did: CANCELLED, or the result it had if it had"
                        + " finished (sf collect --session S; or sf cancel --session S ID... to wait here)");
                return 0;
            }
            return report(facade, tasks, deadline);
        } finally {
            facade.close(Duration.ofSeconds(2));
        }
    }

    private void awaitSent(String what, CompletableFuture<Void> f, long deadline) {
        try {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not take the cancel of " + what + " within --timeout " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException(Main.oneLine(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the cancel of " + what);
        }
    }

    /** Waits for the named tasks' results (every task's, for a whole session) and prints one line each. */
    private int report(TaskFacade facade, List<TaskId> tasks, long deadline) {
        CollectResult all;
        while (true) {
            CollectResult now = facade.collect(Duration.ofMillis(Math.max(0, Math.min(250, (deadline - System.nanoTime()) / 1_000_000))));
            all = now;
            boolean done = tasks.isEmpty() ? now.complete()
                    : tasks.stream().allMatch(t -> find(now, t) != null);
            if (done || System.nanoTime() - deadline >= 0) {
                break;
            }
        }
        List<TaskId> wanted = tasks.isEmpty() ? new ArrayList<>() : tasks;
        if (tasks.isEmpty()) {
            all.results().forEach(r -> wanted.add(r.id()));
            wanted.addAll(all.missing());
        }
        int cancelled = 0;
        int unchanged = 0;
        int missing = 0;
        for (TaskId t : wanted) {
            TaskResult r = find(all, t);
            if (r == null) {
                missing++;
                System.out.println(t + " no result within " + timeout.toSeconds() + " s (not a task of this session, or still"
                        + " behind a backlog: it ends CANCELLED when a node takes it)");
            } else if (r.status() == TaskStatus.CANCELLED) {
                cancelled++;
                System.out.println(t + " CANCELLED: " + r.error());
            } else {
                unchanged++;
                System.out.println(t + " " + r.status() + ": not cancelled, its result stands (it finished first,"
                        + " or its type cannot be interrupted)");
            }
        }
        System.out.println(cancelled + " cancelled, " + unchanged + " unchanged, " + missing + " without a result yet");
        return missing > 0 ? Main.MISSING : 0;
    }

    private static TaskResult find(CollectResult all, TaskId id) {
        return all.results().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }
}
