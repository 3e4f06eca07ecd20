package io.swmrfacade.cli;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskFacade;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "collect", description = "Collect one result per task of a session, from any host, even after the submitter died.")
final class CollectCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--session", required = true, description = "The session id sf submit printed.")
    String session;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "Longest wait for missing results.")
    Duration timeout;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        SessionId id = new SessionId(session);
        TaskFacade facade = cluster.facade()
                .resume(id).build();
        try {
            return collectAndPrint(facade, id, timeout, json, cluster, "sf collect");
        } finally {
            facade.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Collects (see {@link #collectWithProgress}) and prints the results; after Ctrl-C also says,
     * on stderr, what is missing and how to resume, before the process exits with 130.
     * Returns the exit code.
     */
    static int collectAndPrint(TaskFacade facade, SessionId id, Duration timeout, boolean json, ClusterOptions cluster,
                               String command) {
        try (CtrlC ctrlC = CtrlC.watch()) {
            CollectResult all = collectWithProgress(facade, timeout, !json && System.console() != null ? System.err : null,
                    ctrlC, command);
            ResultPrinter.print(id, all, json, System.out);
            if (ctrlC.pressed()) {
                System.out.flush();
                System.err.println(interrupted(all, cluster, id));
                facade.close(Duration.ofSeconds(2));
            }
            return ResultPrinter.exitCode(all);
        }
    }

    /** What a Ctrl-C'd wait had, and the command that picks it up again. */
    private static String interrupted(CollectResult all, ClusterOptions cluster, SessionId id) {
        StringBuilder resume = new StringBuilder("sf collect --session ").append(id);
        if (cluster.bootstrap != null) {
            resume.append(" --bootstrap ").append(cluster.bootstrap);
        }
        if (cluster.topicPrefix != null) {
            resume.append(" --topic-prefix ").append(cluster.topicPrefix);
        }
        if (cluster.config != null) {
            resume.append(" --config ").append(cluster.config);
        }
        return "interrupted: " + all.results().size() + " results collected, " + all.missing().size() + " missing"
                + (all.sessionKnown() ? "" : " (the session's journal was not read to its end yet)")
                + "; the tasks go on without this process. Resume with: " + resume;
    }

    /**
     * Collects until every result is in, {@code timeout} passes or Ctrl-C is pressed, drawing a
     * progress bar on {@code progress} (if not null) while results come in. Without a bar it says
     * once on stderr, when the session's tasks are known, what it waits for and that Ctrl-C leaves
     * the tasks running.
     */
    static CollectResult collectWithProgress(TaskFacade facade, Duration timeout, PrintStream progress, CtrlC ctrlC,
                                             String command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean said = false;
        while (true) {
            long left = deadline - System.nanoTime();
            CollectResult now = facade.collect(Duration.ofNanos(Math.max(0, Math.min(left, Duration.ofMillis(250).toNanos()))));
            if (now.complete() || deadline - System.nanoTime() <= 0 || ctrlC.pressed()) {
                if (progress != null) {
                    progress.print("\r\033[K");
                }
                return now;
            }
            if (!said && progress == null && now.sessionKnown()) {
                said = true;
                System.err.printf("%s: %d results in, %d missing; waiting up to %d s (Ctrl-C stops waiting, not the tasks)%n",
                        command, now.results().size(), now.missing().size(), timeout.toSeconds());
            }
            if (progress != null) {
                int total = now.results().size() + now.missing().size();
                int width = 40;
                int filled = total == 0 ? 0 : width * now.results().size() / total;
                progress.printf("\r[%s%s] %d/%d results", "#".repeat(filled), ".".repeat(width - filled), now.results().size(), total);
                progress.flush();
            }
        }
    }
}
