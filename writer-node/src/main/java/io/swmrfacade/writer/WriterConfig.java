package io.swmrfacade.writer;

import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.Durations;
import io.swmrfacade.topology.RoleConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Every setting of a writer node. Immutable once built. */
public final class WriterConfig extends RoleConfig {

    public static final String FILE = "writer.file";
    public static final String ID = "writer.id";
    public static final String GROUP = "writer.group";
    public static final String DEFAULT_CONCURRENCY = "writer.default.concurrency";
    public static final String CONCURRENCY = "writer.concurrency";
    public static final String TASK_TIMEOUT_MS = "writer.task.timeout.ms";
    public static final String TYPE_TIMEOUTS = "writer.type.timeouts";
    public static final String MAX_ATTEMPTS = "writer.max.attempts";
    public static final String MAX_INFLIGHT = "writer.max.inflight";
    public static final String PLUGIN_DIR = "writer.plugin.dir";
    public static final String CRASH_HANDLER = "writer.crash.handler.enabled";
    public static final String SHUTDOWN_TIMEOUT_MS = "writer.shutdown.timeout.ms";
    public static final String HEARTBEAT_MS = "writer.heartbeat.ms";
    public static final String METRICS_PORT = "writer.metrics.port";
    public static final String METRICS_ADDRESS = "writer.metrics.address";
    public static final String APPLIED_WINDOW = "writer.applied.window";
    public static final String TOPICS_WAIT_MS = "writer.topics.wait.ms";
    public static final String RESULTS_PACKED = "writer.results.packed";

    public static final ConfigDef DEFINITION = ClusterConfig.define(new ConfigDef())
            .define(FILE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The HDF5 file this node writes (segment 0; later segments sit beside it). One writer per file.")
            .define(ID, Type.STRING, "", Importance.HIGH,
                    "This node's id, stable across restarts: it names the node's Kafka transactions, so a restarted node"
                            + " fences its dead predecessor. Empty: <file name>@<host>.")
            .define(GROUP, Type.STRING, "sf.writers", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Consumer group shared by the writer nodes that split the tasks topic.")
            .define(DEFAULT_CONCURRENCY, Type.INT, 4, Range.between(1, 1024), Importance.MEDIUM,
                    "How many tasks of one type may run at once when neither the handler nor writer.concurrency says.")
            .define(CONCURRENCY, Type.LIST, List.of(), Importance.MEDIUM,
                    "Per-type limits, type=n, for example push=3,sleep=8: never more than n tasks of that type at once.")
            .define(TASK_TIMEOUT_MS, Type.LONG, 300_000L, Range.atLeast(1), Importance.MEDIUM,
                    "A task still running after this long is interrupted and FAILED.")
            .define(TYPE_TIMEOUTS, Type.LIST, List.of(), Importance.MEDIUM,
                    "Per-type time limits, type=duration, for example sleep=10s,push=2m,probe=1.5s (units ms, s, m, h):"
                            + " a task of that type still running after this long is interrupted and FAILED."
                            + " Types not listed use writer.task.timeout.ms.")
            .define(MAX_ATTEMPTS, Type.INT, 3, Range.between(1, 100), Importance.MEDIUM,
                    "How many times nodes may start a task and die before recording it, unless the task says; a task"
                            + " that arrives with that many starts is failed as WORKER_CRASHED without running. Its last"
                            + " allowed start runs alone on its node, so a crash then is its own.")
            .define(MAX_INFLIGHT, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "Tasks taken from Kafka but not yet finished; above this the node stops fetching (it stays in its group).")
            .define(PLUGIN_DIR, Type.STRING, "", Importance.MEDIUM,
                    "Folder of plugin jars holding TaskHandler implementations. Empty: none.")
            .define(CRASH_HANDLER, Type.BOOLEAN, false, Importance.LOW,
                    "Enables the 'crash' task type, which halts the JVM: for fault tests only.")
            .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.MEDIUM,
                    "On stop, how long running tasks may finish before they are interrupted and handed back.")
            .define(HEARTBEAT_MS, Type.LONG, 1_000L, Range.atLeast(10), Importance.LOW,
                    "Interval of heartbeats on the heartbeats topic.")
            .define(METRICS_PORT, Type.INT, -1, Range.between(-1, 65535), Importance.MEDIUM,
                    "Port of the Prometheus endpoint (GET /metrics on writer.metrics.address); -1 off, 0 any free port.")
            .define(METRICS_ADDRESS, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Address the Prometheus endpoint listens on; 0.0.0.0 lets scrapers on other hosts in.")
            .define(APPLIED_WINDOW, Type.INT, 65_536, Range.between(1, 1 << 28), Importance.LOW,
                    "How many of the file's latest rows the node keeps by task id in memory (about 140 bytes each) to"
                            + " recognise a task that arrives again; older rows are looked up in the file, using the time"
                            + " in their UUIDv7 task ids. More than a crash can replay (writer.max.inflight).")
            .define(TOPICS_WAIT_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "How long a starting node waits for the tasks topic, which the coordinator creates, before it gives up:"
                            + " a node may start together with its coordinator, or before it.")
            .define(RESULTS_PACKED, Type.BOOLEAN, true, Importance.LOW,
                    "Send the results of one session that one flush answered packed in one record (docs/PROTOCOL.md §6):"
                            + " every reader, the broker included, handles one record where it handled hundreds. Set false"
                            + " while clients older than packed results still read this installation: they skip packed records.");

    private final Map<String, Duration> typeTimeouts;
    private final String nodeId;

    public WriterConfig(Map<String, ?> originals) {
        super(DEFINITION, originals);
        concurrencyLimits(); // validate now, not on first use
        this.typeTimeouts = Map.copyOf(parseTypeTimeouts());
        this.nodeId = getString(ID).isEmpty() ? file().getFileName() + "@" + localHost() : getString(ID);
    }

    public Path file() {
        return Path.of(getString(FILE)).toAbsolutePath().normalize();
    }

    /** {@link #ID}, else {@code <file name>@<host>}; looked up once, when the config is built. */
    public String nodeId() {
        return nodeId;
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    public Map<String, Integer> concurrencyLimits() {
        Map<String, Integer> limits = new HashMap<>();
        for (String entry : getList(CONCURRENCY)) {
            String[] kv = entry.split("=", 2);
            try {
                int n = Integer.parseInt(kv.length == 2 ? kv[1].trim() : "");
                if (n < 1) {
                    throw new NumberFormatException();
                }
                limits.put(kv[0].trim(), n);
            } catch (NumberFormatException e) {
                throw new ConfigException(CONCURRENCY, entry, "expected type=n with n >= 1");
            }
        }
        return limits;
    }

    public Duration taskTimeout() {
        return Duration.ofMillis(getLong(TASK_TIMEOUT_MS));
    }

    /** The time limits of {@link #TYPE_TIMEOUTS}, by type. */
    public Map<String, Duration> typeTimeouts() {
        return typeTimeouts;
    }

    private Map<String, Duration> parseTypeTimeouts() {
        Map<String, Duration> limits = new HashMap<>();
        for (String entry : getList(TYPE_TIMEOUTS)) {
            String[] kv = entry.split("=", 2);
            Duration d;
            try {
                d = Durations.parse(kv.length == 2 ? kv[1] : "");
            } catch (IllegalArgumentException e) {
                d = Duration.ZERO;
            }
            if (d.isZero()) {
                throw new ConfigException(TYPE_TIMEOUTS, entry, "expected type=duration such as sleep=10s or push=500ms");
            }
            limits.put(kv[0].trim(), d);
        }
        return limits;
    }

    /** The time limit of one task of {@code type}: its entry in {@link #TYPE_TIMEOUTS}, else {@link #TASK_TIMEOUT_MS}. */
    public Duration timeoutFor(String type) {
        return typeTimeouts.getOrDefault(type, taskTimeout());
    }

    /** {@link #METRICS_PORT}: -1 off, 0 any free port. */
    public int metricsPort() {
        return getInt(METRICS_PORT);
    }

    public Duration topicsWait() {
        return Duration.ofMillis(getLong(TOPICS_WAIT_MS));
    }

    public Duration shutdownTimeout() {
        return Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS));
    }
}
