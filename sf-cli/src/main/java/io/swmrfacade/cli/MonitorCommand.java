package io.swmrfacade.cli;

import io.swmrfacade.monitor.InstallationMonitor;
import io.swmrfacade.monitor.InstallationView;
import io.swmrfacade.monitor.LiveView;
import io.swmrfacade.monitor.MonitorConfig;
import io.swmrfacade.monitor.ViewText;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "monitor", description = "A live view of the whole installation from its topics alone: writers, readers,"
        + " lag per partition, tasks by state, dead letters. Needs no file; runs on any host that reaches the brokers.")
final class MonitorCommand implements Callable<Integer> {

    /** Moves the cursor home and clears the screen: a terminal shows one view, redrawn in place. */
    private static final String REDRAW = "\033[H\033[2J";

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--group", description = "The writer nodes' consumer group (default sf.writers).")
    String group;

    @Option(names = "--json", description = "One JSON view per line instead of text.")
    boolean json;

    @Option(names = "--http-port", description = "Also serve a live page with charts; 0 any free port (default off).")
    Integer httpPort;

    @Option(names = "--http-address", description = "Address the page binds to (default 127.0.0.1; this host's address opens it to others).")
    String httpAddress;

    @Option(names = "--refresh", description = "Seconds between views (default 1).")
    Double refreshSeconds;

    @Option(names = "--parent-pid", hidden = true, defaultValue = "0")
    long parentPid;

    @Override
    public Integer call() throws Exception {
        MonitorConfig config = config(cluster, group, httpPort, httpAddress, refreshSeconds);
        InstallationMonitor monitor = InstallationMonitor.start(config, Clock.systemUTC());
        LiveView live;
        try {
            live = LiveView.start(monitor, config, printer(System.out, json, System.console() != null));
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
        if (live.port() > 0) {
            System.err.println("sf monitor: live page at http://" + config.httpAddress() + ":" + live.port() + "/");
        }
        new Lifecycle(() -> {
            live.close();
            monitor.close();
        }, parentPid).awaitStopThenClose();
        return 0;
    }

    static MonitorConfig config(ClusterOptions cluster, String group, Integer httpPort, String httpAddress, Double refreshSeconds) {
        Map<String, Object> flags = new HashMap<>();
        CoordinatorCommand.put(flags, MonitorConfig.WRITER_GROUP, group);
        CoordinatorCommand.put(flags, MonitorConfig.HTTP_PORT, httpPort);
        CoordinatorCommand.put(flags, MonitorConfig.HTTP_ADDRESS, httpAddress);
        CoordinatorCommand.put(flags, MonitorConfig.REFRESH_MS, refreshSeconds == null ? null : Math.round(refreshSeconds * 1000));
        return new MonitorConfig(cluster.settings(MonitorConfig.DEFINITION, flags));
    }

    /** JSON lines, a view redrawn in place on a terminal, or blocks of plain lines separated by a blank line. */
    static Consumer<InstallationView> printer(PrintStream out, boolean json, boolean terminal) {
        return v -> {
            if (json) {
                out.println(ViewText.json(v));
            } else {
                StringBuilder b = new StringBuilder(terminal ? REDRAW : "");
                ViewText.lines(v).forEach(l -> b.append(l).append('\n'));
                out.print(terminal ? b : b.append('\n'));
            }
            out.flush();
        };
    }
}
