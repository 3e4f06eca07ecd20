package io.swmrfacade.cli;

import io.swmrfacade.reader.ReaderConfig;
import io.swmrfacade.reader.ReaderNode;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reader", description = "Follow a SWMR file live: console, HTTP (--http-port) and the monitor topic.")
final class ReaderCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--file", required = true, description = "The file a writer writes (waits for it to appear).")
    String file;

    @Option(names = "--id", description = "Reader id in reports and on the monitor topic (default: reader-<host>-<pid>).")
    String id;

    @Option(names = "--http-port", description = "Serve a live page and /api/status; 0 any free port (default: off).")
    Integer httpPort;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on GET /metrics; 0 any free port (default off).")
    Integer metricsPort;

    @Option(names = "--no-monitor", description = "Do not publish to the monitor topic.")
    boolean noMonitor;

    @Option(names = "--parent-pid", hidden = true, defaultValue = "0")
    long parentPid;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new HashMap<>();
        flags.put(ReaderConfig.FILE, file);
        CoordinatorCommand.put(flags, ReaderConfig.ID, id);
        CoordinatorCommand.put(flags, ReaderConfig.HTTP_PORT, httpPort);
        CoordinatorCommand.put(flags, ReaderConfig.METRICS_PORT, metricsPort);
        if (noMonitor) {
            flags.put(ReaderConfig.MONITOR_ENABLED, false);
        }
        ReaderConfig config = new ReaderConfig(cluster.settings(ReaderConfig.DEFINITION, flags));
        ReaderNode node = ReaderNode.start(config, Clock.systemUTC(), System.out);
        if (node.port() > 0) {
            System.out.println("[" + node.id() + "] live page at http://127.0.0.1:" + node.port() + "/");
        }
        new Lifecycle(node::close, parentPid).endingWith(() -> node.awaitTermination(java.time.Duration.ofDays(3650)))
                .awaitStopThenClose();
        if (node.failure().isPresent()) {
            System.err.println("sf reader: error: " + node.failure().get().getMessage());
            return Main.ERROR;
        }
        return 0;
    }
}
