package io.swmrfacade.cli;

import io.swmrfacade.monitor.InstallationMonitor;
import io.swmrfacade.monitor.InstallationView;
import io.swmrfacade.monitor.MonitorConfig;
import io.swmrfacade.monitor.ViewText;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = "A one-shot view of the whole installation, as sf monitor shows it. Exit code 0 when"
        + " every writer is alive and every tasks partition has a consumer, 1 when not, 4 when the brokers cannot be read.")
final class StatusCommand implements Callable<Integer> {

    /** Exit code when a writer is dead or a partition has no consumer. */
    static final int UNHEALTHY = 1;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--group", description = "The writer nodes' consumer group (default sf.writers).")
    String group;

    @Option(names = "--json", description = "The view as one JSON object.")
    boolean json;

    @Option(names = "--timeout", converter = DurationConverter.class,
            description = "How long to read the topics before giving up (default 30s).")
    Duration timeout = Duration.ofSeconds(30);

    @Override
    public Integer call() throws Exception {
        MonitorConfig config = MonitorCommand.config(cluster, group, null, null, null);
        try (InstallationMonitor monitor = InstallationMonitor.start(config, Clock.systemUTC())) {
            if (!monitor.awaitCaughtUp(timeout)) {
                System.err.println("sf status: error: could not read the topics of " + config.topics().prefix() + " at "
                        + config.bootstrap() + " within " + timeout.toSeconds() + " s (--timeout)");
                return Main.ERROR;
            }
            InstallationView v = monitor.view();
            if (json) {
                System.out.println(ViewText.json(v));
            } else {
                ViewText.lines(v).forEach(System.out::println);
            }
            return v.healthy() ? 0 : UNHEALTHY;
        }
    }
}
