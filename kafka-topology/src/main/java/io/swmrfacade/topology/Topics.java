package io.swmrfacade.topology;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of the topics of one swmr-facade installation. Every name starts with the same
 * prefix ({@code sf.} by default), so several installations can share one cluster.
 *
 * <p>Immutable and thread-safe.
 */
public record Topics(String prefix) {

    public static final String DEFAULT_PREFIX = "sf.";
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL.matcher(prefix).matches() || prefix.length() > 200) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may hold only letters, digits, '.', '_' and '-', at most 200 of them");
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    /** TaskRequest records, keyed by routing key; consumed by writer nodes. */
    public String tasks() {
        return prefix + "tasks";
    }

    /** TaskResult records, keyed by session id, so that a client reads one partition. */
    public String results() {
        return prefix + "results";
    }

    /** TaskEvent records, keyed by session id: the coordinator's source of truth. */
    public String events() {
        return prefix + "events";
    }

    /** DeadLetter records: input no node could process, with the reason. */
    public String deadLetter() {
        return prefix + "dead-letter";
    }

    /** Heartbeat records, keyed by worker id. */
    public String heartbeats() {
        return prefix + "heartbeats";
    }

    /** MonitorUpdate records from reader nodes, keyed by reader id. */
    public String monitor() {
        return prefix + "monitor";
    }

    /**
     * TaskAttempt records, keyed by task id, compacted: how often writer nodes started a task
     * without recording it. Has as many partitions as the tasks topic; a task's record lives on the
     * partition with its task partition's number. Writer nodes create it (see
     * {@link TopicSpec#attempts}); it is not among {@link #all()}, the topics the coordinator manages.
     */
    public String attempts() {
        return prefix + "attempts";
    }

    /**
     * CancelRequest records, keyed by task id (or session id for a whole session), one
     * partition: every writer node reads all of it. The coordinator creates and checks it with
     * the others (see {@link TopicSpec#cancels}); a writer node creates it if it is missing.
     */
    public String cancels() {
        return prefix + "cancels";
    }

    /** The seven topics the coordinator creates and checks. */
    public List<String> all() {
        return List.of(tasks(), results(), events(), deadLetter(), heartbeats(), monitor(), cancels());
    }
}
