package io.swmrfacade.cli;

import io.swmrfacade.coordinator.Coordinator;
import io.swmrfacade.coordinator.CoordinatorConfig;
import io.swmrfacade.coordinator.TopicCheck;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coordinator", description = "Create and check the topics, then keep the table of tasks and workers.")
final class CoordinatorCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--partitions", description = "Partitions of tasks/results/events (default: 6, or the config file's).")
    Integer partitions;

    @Option(names = "--replication", description = "Replication factor of every topic (default: 3 on three or more brokers, else one per broker).")
    Short replication;

    @Option(names = "--http-port", description = "Port of the JSON status API; 0 any free port (default: -1, off).")
    Integer httpPort;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on GET /metrics; 0 any free port (default off).")
    Integer metricsPort;

    @Option(names = "--check", description = "Create/check the topics, print the result and exit (non-zero on a mismatch).")
    boolean checkOnly;

    @Option(names = "--parent-pid", hidden = true, defaultValue = "0")
    long parentPid;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new HashMap<>();
        put(flags, CoordinatorConfig.PARTITIONS, partitions);
        put(flags, CoordinatorConfig.REPLICATION, replication);
        put(flags, CoordinatorConfig.HTTP_PORT, httpPort);
        put(flags, CoordinatorConfig.METRICS_PORT, metricsPort);
        CoordinatorConfig config = new CoordinatorConfig(cluster.settings(CoordinatorConfig.DEFINITION, flags));
        Coordinator coordinator = Coordinator.start(config, Clock.systemUTC(), Duration.ofSeconds(30));
        boolean allOk = true;
        for (TopicCheck c : concat(coordinator.topicChecks(), coordinator.brokerTopicChecks())) {
            allOk &= c.ok();
            System.out.println((c.ok() ? "ok       " : "MISMATCH ") + c.topic() + (c.created() ? " (created)" : "")
                    + (c.ok() ? "" : ": " + String.join("; ", c.problems())));
        }
        if (checkOnly) {
            coordinator.close();
            return allOk ? 0 : Main.ERROR;
        }
        System.out.println("coordinator running on " + config.bootstrap() + (coordinator.httpPort() > 0
                ? ", status at http://127.0.0.1:" + coordinator.httpPort() + "/api/summary" : "") + "; Ctrl-C stops it");
        new Lifecycle(coordinator::close, parentPid).awaitStopThenClose();
        return 0;
    }

    private static java.util.List<TopicCheck> concat(java.util.List<TopicCheck> a, java.util.List<TopicCheck> b) {
        java.util.List<TopicCheck> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static void put(Map<String, Object> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
