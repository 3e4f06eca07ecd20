package io.swmrfacade.cli;

import io.swmrfacade.topology.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Lists what writer nodes dead-lettered: records of the tasks topic that were not tasks, and
 * poison tasks that killed their workers too often. One line each (or one JSON object with
 * {@code --json}), starting with the id that {@code sf dead-letters replay} takes.
 *
 * <p>Exit code: 0 (also when there are none); 4 if the topic cannot be read.
 */
@Command(name = "dead-letters", subcommands = DeadLetterReplayCommand.class, mixinStandardHelpOptions = true,
        description = {"List dead letters: when, why, from which record, the bytes decoded or in hex.",
                "Each line starts with its id (PARTITION-OFFSET on the dead-letter topic); 'sf dead-letters replay ID' re-submits one."})
final class DeadLettersCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--follow", description = "Keep printing new dead letters until Ctrl-C or --timeout.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line, every byte in hex, for scripts.")
    boolean json;

    @Option(names = "--timeout", converter = DurationConverter.class,
            description = "Stop after this long (default: 30s, or never with --follow).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Duration limit = timeout != null ? timeout : follow ? null : Duration.ofSeconds(30);
        long deadline = limit == null ? System.nanoTime() + Long.MAX_VALUE / 2 : System.nanoTime() + limit.toNanos();
        PrintWriter out = spec.commandLine().getOut();
        Duration connect = limit == null ? Duration.ofSeconds(30) : limit;
        try (DeadLetterTopic topic = new DeadLetterTopic(cluster.bootstrap(), cluster.kafka(), new Topics(cluster.topicPrefix()), connect)) {
            long n = topic.readAll(follow, deadline, r -> {
                out.println(json ? r.json().toString() : r.line());
                out.flush();
            });
            if (!json && n == 0) {
                spec.commandLine().getErr().println("sf dead-letters: none on " + new Topics(cluster.topicPrefix()).deadLetter());
            }
        }
        return 0;
    }
}
