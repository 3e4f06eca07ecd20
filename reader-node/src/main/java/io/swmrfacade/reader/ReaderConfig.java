package io.swmrfacade.reader;

import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.ConfigSources;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import io.swmrfacade.topology.RoleConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The configuration of a reader node: which file to follow, how often to look, and where to
 * report. Besides the keys below it takes the shared {@link ClusterConfig} keys ({@code bootstrap},
 * {@code topic.prefix}, {@code kafka.*} pass-through for the monitor producer).
 *
 * <p>Immutable and thread-safe once built; invalid values are rejected by the constructor with a
 * {@link org.apache.kafka.common.config.ConfigException} naming the key and the value.
 */
public final class ReaderConfig extends RoleConfig {

    public static final String FILE = "reader.file";
    public static final String ID = "reader.id";
    public static final String POLL_MS = "reader.poll.ms";
    public static final String REPORT_MS = "reader.report.ms";
    public static final String HTTP_PORT = "reader.http.port";
    public static final String HTTP_ADDRESS = "reader.http.address";
    public static final String METRICS_PORT = "reader.metrics.port";
    public static final String MONITOR_ENABLED = "reader.monitor.enabled";
    public static final String OPEN_TIMEOUT_MS = "reader.open.timeout.ms";
    public static final String WINDOW_SECONDS = "reader.window.seconds";
    public static final String WINDOW_SAMPLES = "reader.window.samples";
    public static final String STALL_MS = "reader.stall.ms";

    /** HTTP is off. */
    public static final int HTTP_OFF = -1;

    public static final ConfigDef DEFINITION = ClusterConfig.define(new ConfigDef())
            .define(FILE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The SWMR file to follow: segment 0 (data/run.h5); later segments (data/run.1.h5, ...) are found beside it.")
            .define(ID, Type.STRING, defaultId(), ReaderId.VALIDATOR, Importance.MEDIUM,
                    "This reader's id: prefixes its console lines and logs, and keys its monitor updates. "
                            + "Default reader-<host>-<pid>.")
            .define(POLL_MS, Type.LONG, 1L, Range.atLeast(1), Importance.MEDIUM,
                    "Milliseconds between two looks at the file. Readers must see flushed data within milliseconds, "
                            + "so keep it small; a look at an unchanged file costs a few microseconds.")
            .define(REPORT_MS, Type.LONG, 500L, Range.atLeast(0), Importance.LOW,
                    "At most one console line and one monitor update per this many milliseconds; "
                            + "a change inside the window is reported when it ends. 0 reports every change.")
            .define(HTTP_PORT, Type.INT, HTTP_OFF, Range.between(HTTP_OFF, 65535), Importance.MEDIUM,
                    "Port of the live page (GET /) and its JSON (GET /api/status, /api/window?stream=PATH&px=N, /api/rates); "
                            + "-1 turns HTTP off, 0 picks a free port.")
            .define(HTTP_ADDRESS, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Address the HTTP server binds to; 127.0.0.1 keeps the page to this host.")
            .define(METRICS_PORT, Type.INT, HTTP_OFF, Range.between(HTTP_OFF, 65535), Importance.MEDIUM,
                    "Port of the Prometheus endpoint (GET /metrics, on reader.http.address); -1 off, 0 any free port.")
            .define(MONITOR_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Publish a MonitorUpdate to the monitor topic on every reported change, for hosts that cannot open the file.")
            .define(OPEN_TIMEOUT_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.MEDIUM,
                    "How long to wait for the file to appear before failing.")
            .define(WINDOW_SECONDS, Type.DOUBLE, 10.0, Range.between(0.001, 3600), Importance.LOW,
                    "Seconds of each stream the live page draws, at the stream's sample rate (at most 1,048,576 samples).")
            .define(WINDOW_SAMPLES, Type.INT, 4096, Range.between(1, 1 << 20), Importance.LOW,
                    "Samples the live page draws of a stream that has no sample rate.")
            .define(STALL_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                    "The live page calls the writer stalled when it holds the file's lock but nothing was flushed for this many milliseconds.");

    public ReaderConfig(Map<?, ?> originals) {
        super(DEFINITION, originals);
    }

    /** Merges defaults, a properties file (may be null), {@code SF_*} environment variables and flags, later winning. */
    public static ReaderConfig load(Path propertiesFile, Map<String, String> env, Map<String, ?> flags) {
        return new ReaderConfig(ConfigSources.merge(DEFINITION, propertiesFile, env, flags));
    }

    public Path file() {
        return Path.of(getString(FILE)).toAbsolutePath().normalize();
    }

    public ReaderId readerId() {
        return new ReaderId(getString(ID));
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getLong(POLL_MS));
    }

    public Duration reportInterval() {
        return Duration.ofMillis(getLong(REPORT_MS));
    }

    /** The HTTP port, 0 for any free port, or {@link #HTTP_OFF}. */
    public int metricsPort() {
        return getInt(METRICS_PORT);
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public String httpAddress() {
        return getString(HTTP_ADDRESS);
    }

    public boolean monitorEnabled() {
        return getBoolean(MONITOR_ENABLED);
    }

    public Duration openTimeout() {
        return Duration.ofMillis(getLong(OPEN_TIMEOUT_MS));
    }

    public double windowSeconds() {
        return getDouble(WINDOW_SECONDS);
    }

    public int windowSamples() {
        return getInt(WINDOW_SAMPLES);
    }

    public Duration stallAfter() {
        return Duration.ofMillis(getLong(STALL_MS));
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return ReaderId.sanitize("reader-" + host + "-" + ProcessHandle.current().pid());
    }
}
