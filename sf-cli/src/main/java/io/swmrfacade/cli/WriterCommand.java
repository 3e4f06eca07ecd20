package io.swmrfacade.cli;

import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "writer", description = "Run tasks and be the single writer of an HDF5 file in SWMR mode.")
final class WriterCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--file", required = true, description = "The HDF5 file to write (created or recovered).")
    String file;

    @Option(names = "--id", description = "Node id, stable across restarts (default: <file>@<host>).")
    String id;

    @Option(names = "--concurrency", split = ",", paramLabel = "TYPE=N", description = "Per-type limits, e.g. push=3 (default: no limit).")
    List<String> concurrency;

    @Option(names = "--plugin-dir", description = "Folder of plugin jars with TaskHandler implementations (default: none).")
    String pluginDir;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on GET /metrics; 0 any free port (default off).")
    Integer metricsPort;

    @Option(names = "--enable-crash-handler", description = "Enable the 'crash' task type (halts the node; for fault tests).")
    boolean crash;

    @Option(names = "--parent-pid", hidden = true, defaultValue = "0")
    long parentPid;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new HashMap<>();
        flags.put(WriterConfig.FILE, file);
        CoordinatorCommand.put(flags, WriterConfig.ID, id);
        CoordinatorCommand.put(flags, WriterConfig.CONCURRENCY, concurrency == null ? null : String.join(",", concurrency));
        CoordinatorCommand.put(flags, WriterConfig.PLUGIN_DIR, pluginDir);
        CoordinatorCommand.put(flags, WriterConfig.METRICS_PORT, metricsPort);
        if (crash) {
            flags.put(WriterConfig.CRASH_HANDLER, true);
        }
        WriterConfig config = new WriterConfig(cluster.settings(WriterConfig.DEFINITION, flags));
        WriterNode node = WriterNode.start(config, Clock.systemUTC());
        System.out.println("writer " + node.nodeId() + " writing " + node.file() + " from " + config.bootstrap()
                + (node.metricsPort() < 0 ? "" : "; metrics on port " + node.metricsPort()) + "; Ctrl-C stops it");
        new Lifecycle(node::close, parentPid).endingWith(() -> node.awaitTermination(java.time.Duration.ofDays(3650)))
                .awaitStopThenClose();
        if (node.failure() != null) {
            System.err.println("sf writer: error: " + Main.oneLine(node.failure()));
            return Main.ERROR;
        }
        return 0;
    }
}
