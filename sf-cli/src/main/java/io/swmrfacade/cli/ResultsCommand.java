package io.swmrfacade.cli;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints a session's results as they arrive, one line each (arrival order), from the first result
 * of the session on. Without {@code --follow} it stops once every task of the session has its
 * result; with it, it goes on until Ctrl-C or {@code --timeout}.
 *
 * <p>Exit code (see {@link Main}): 0 every task of the session has an OK result; 1 all have a
 * result but some are not OK; 3 some are still missing when it stops; 4 an error. Ctrl-C ends it
 * with the shell's usual 130.
 */
@Command(name = "results", description = "Print a session's results as they arrive; --follow keeps watching until Ctrl-C or --timeout.")
final class ResultsCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--session", required = true, description = "The session id sf submit printed.")
    String session;

    @Option(names = "--follow", description = "Keep printing new results until Ctrl-C or --timeout.")
    boolean follow;

    @Option(names = "--timeout", converter = DurationConverter.class,
            description = "Stop after this long (default: 60s, or never with --follow).")
    Duration timeout;

    @Option(names = "--json", description = "One JSON object per line, for scripts.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Duration limit = timeout != null ? timeout : follow ? null : Duration.ofSeconds(60);
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        TaskFacade facade = cluster.facade()
                .resume(new SessionId(session)).build();
        Thread onCtrlC = new Thread(() -> facade.close(Duration.ofSeconds(2)), "sf-results-close");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            Printer printer = new Printer(System.out, json);
            facade.results().subscribe(printer);
            CollectResult now = facade.collect(Duration.ZERO);
            while (System.nanoTime() - deadline < 0 && (follow || !now.complete())) {
                now = facade.collect(Duration.ofNanos(Math.min(Duration.ofMillis(500).toNanos(), deadline - System.nanoTime())));
            }
            // Let the printer catch up with what collect saw (it runs on its own thread), briefly.
            long printed = now.results().size();
            long wait = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (printer.count() < printed && System.nanoTime() - wait < 0) {
                Thread.sleep(10);
            }
            return ResultPrinter.exitCode(now);
        } finally {
            facade.close(Duration.ofSeconds(2));
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running already
            }
        }
    }

    /** Prints each result as it comes, asking for the next only when the last is printed. */
    private static final class Printer implements Flow.Subscriber<TaskResult> {
        private final PrintStream out;
        private final boolean json;
        private final AtomicLong count = new AtomicLong();
        private Flow.Subscription subscription;

        Printer(PrintStream out, boolean json) {
            this.out = out;
            this.json = json;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(TaskResult r) {
            out.println(json ? ResultPrinter.json(r).toString() : ResultPrinter.line(r));
            out.flush();
            count.incrementAndGet();
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            System.err.println("sf results: " + t.getMessage());
        }

        @Override
        public void onComplete() {
        }

        long count() {
            return count.get();
        }
    }
}
