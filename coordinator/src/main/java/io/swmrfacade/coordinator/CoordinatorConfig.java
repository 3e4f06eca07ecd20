package io.swmrfacade.coordinator;

import io.swmrfacade.topology.ClusterConfig;
import java.time.Duration;
import java.util.Map;
import io.swmrfacade.topology.RoleConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Every setting of the coordinator. */
public final class CoordinatorConfig extends RoleConfig {

    public static final String PARTITIONS = "coordinator.partitions";
    public static final String REPLICATION = "coordinator.replication.factor";
    public static final String RETENTION_MS = "coordinator.retention.ms";
    public static final String HTTP_PORT = "coordinator.http.port";
    public static final String HTTP_ADDRESS = "coordinator.http.address";
    public static final String WORKER_TIMEOUT_MS = "coordinator.worker.timeout.ms";
    public static final String REPORT_MS = "coordinator.report.ms";
    public static final String METRICS_PORT = "coordinator.metrics.port";
    public static final String FINISHED_KEPT = "coordinator.tasks.finished.kept";

    public static final ConfigDef DEFINITION = ClusterConfig.define(new ConfigDef())
            .define(PARTITIONS, Type.INT, 6, Range.between(1, 10_000), Importance.HIGH,
                    "Partitions of the tasks, results and events topics: the most writer nodes that can share the work."
                            + " Fixed once created: clients find their results partition by hashing the session id.")
            .define(REPLICATION, Type.SHORT, (short) 0, Range.between(0, 16), Importance.HIGH,
                    "Replication factor of every topic; 0 (the default) follows the cluster: 3 on three or more brokers,"
                            + " else one per broker. min.insync.replicas is 2 from replication 3 on, else 1.")
            .define(RETENTION_MS, Type.LONG, Duration.ofDays(7).toMillis(), Range.atLeast(60_000), Importance.MEDIUM,
                    "How long tasks, results and events are kept: a session can be resumed within this time.")
            .define(HTTP_PORT, Type.INT, -1, Range.between(-1, 65535), Importance.MEDIUM,
                    "Port of the status API (GET /api/summary, /api/workers, /api/tasks/<id>); -1 off, 0 any free port.")
            .define(HTTP_ADDRESS, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Address the status API binds to: 127.0.0.1 keeps it to this host; the host's own address"
                            + " (or 0.0.0.0) opens it to others.")
            .define(WORKER_TIMEOUT_MS, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                    "A writer node without a heartbeat for this long is reported dead.")
            .define(REPORT_MS, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                    "Interval of the one-line summary in the log.")
            .define(METRICS_PORT, Type.INT, -1, Range.between(-1, 65535), Importance.MEDIUM,
                    "Port of the Prometheus endpoint (GET /metrics on 127.0.0.1); -1 off, 0 any free port.")
            .define(FINISHED_KEPT, Type.INT, StateTable.DEFAULT_FINISHED_KEPT, Range.between(0, 100_000_000), Importance.LOW,
                    "How many finished tasks the table holds one by one (GET /api/tasks/<id> answers for them, about"
                            + " 190 bytes each); older finished tasks are still counted. Every SUBMITTED or RUNNING task is held.");

    public CoordinatorConfig(Map<String, ?> originals) {
        super(DEFINITION, originals);
    }

}
