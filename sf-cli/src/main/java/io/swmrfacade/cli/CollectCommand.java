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
            description = "Longest wait for missing results (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        SessionId id = new SessionId(session);
        try (TaskFacade facade = TaskFacade.builder().bootstrap(cluster.bootstrap()).topicPrefix(cluster.topicPrefix())
                .resume(id).build()) {
            CollectResult all = collectWithProgress(facade, timeout, !json && System.console() != null ? System.err : null);
            ResultPrinter.print(id, all, json, System.out);
            return ResultPrinter.exitCode(all);
        }
    }

    /** Collects, drawing a progress bar on {@code progress} (if not null) while results come in. */
    static CollectResult collectWithProgress(TaskFacade facade, Duration timeout, PrintStream progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            CollectResult now = facade.collect(Duration.ofNanos(Math.max(0, Math.min(left, Duration.ofMillis(250).toNanos()))));
            if (now.complete() || deadline - System.nanoTime() <= 0) {
                if (progress != null) {
                    progress.print("\r\033[K");
                }
                return now;
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
