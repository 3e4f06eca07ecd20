package io.swmrfacade.monitor;

import io.swmrfacade.coordinator.StateTable;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.RoleConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Every setting of a monitor ({@code sf monitor}, {@code sf status}). Besides these it takes the
 * shared {@link ClusterConfig} keys. Immutable; invalid values are rejected by the constructor
 * with a {@link org.apache.kafka.common.config.ConfigException} naming the key and the value.
 */
public final class MonitorConfig extends RoleConfig {

    public static final String WRITER_GROUP = "monitor.writer.group";
    public static final String WORKER_TIMEOUT_MS = "monitor.worker.timeout.ms";
    public static final String FORGET_AFTER_MS = "monitor.forget.after.ms";
    public static final String REFRESH_MS = "monitor.refresh.ms";
    public static final String REQUEST_TIMEOUT_MS = "monitor.request.timeout.ms";
    public static final String HTTP_PORT = "monitor.http.port";
    public static final String HTTP_ADDRESS = "monitor.http.address";
    public static final String DEAD_LETTERS_KEPT = "monitor.dead.letters.kept";
    public static final String FINISHED_KEPT = "monitor.tasks.finished.kept";

    /** HTTP is off. */
    public static final int HTTP_OFF = -1;

    public static final ConfigDef DEFINITION = ClusterConfig.define(new ConfigDef())
            .define(WRITER_GROUP, Type.STRING, "sf.writers", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The writer nodes' consumer group (their writer.group): its offsets give the lag per partition.")
            .define(WORKER_TIMEOUT_MS, Type.LONG, 5_000L, Range.atLeast(100), Importance.MEDIUM,
                    "A writer node without a heartbeat for this long is shown dead.")
            .define(FORGET_AFTER_MS, Type.LONG, 3_600_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    "A writer whose last heartbeat is older than this is no longer shown or counted: a node taken"
                            + " away for good (killed, its host gone) stops making the installation unhealthy after this long.")
            .define(REFRESH_MS, Type.LONG, 1_000L, Range.atLeast(100), Importance.LOW,
                    "How often the view is rebuilt and redrawn.")
            .define(REQUEST_TIMEOUT_MS, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                    "The longest one question to the brokers (offsets, group members) may take.")
            .define(HTTP_PORT, Type.INT, HTTP_OFF, Range.between(HTTP_OFF, 65535), Importance.MEDIUM,
                    "Port of the live page (GET /) and JSON (GET /api/view, /api/history); -1 off, 0 any free port.")
            .define(HTTP_ADDRESS, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Address the page binds to: 127.0.0.1 keeps it to this host; the host's own address"
                            + " (or 0.0.0.0) opens it to others.")
            .define(DEAD_LETTERS_KEPT, Type.INT, 20, Range.between(0, 10_000), Importance.LOW,
                    "How many of the latest dead letters the view lists (all are counted).")
            .define(FINISHED_KEPT, Type.INT, StateTable.DEFAULT_FINISHED_KEPT, Range.between(0, 100_000_000), Importance.LOW,
                    "How many finished tasks the monitor's table holds one by one (about 190 bytes each), so that a"
                            + " journal entry arriving after its task's result does not count the task twice; all are counted.");

    public MonitorConfig(Map<?, ?> originals) {
        super(DEFINITION, originals);
    }

    public String writerGroup() {
        return getString(WRITER_GROUP);
    }

    public Duration workerTimeout() {
        return Duration.ofMillis(getLong(WORKER_TIMEOUT_MS));
    }

    public Duration forgetAfter() {
        return Duration.ofMillis(getLong(FORGET_AFTER_MS));
    }

    public Duration refresh() {
        return Duration.ofMillis(getLong(REFRESH_MS));
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS));
    }

    /** The HTTP port, 0 for any free port, or {@link #HTTP_OFF}. */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public String httpAddress() {
        return getString(HTTP_ADDRESS);
    }

    public int finishedKept() {
        return getInt(FINISHED_KEPT);
    }

    public int deadLettersKept() {
        return getInt(DEAD_LETTERS_KEPT);
    }
}
