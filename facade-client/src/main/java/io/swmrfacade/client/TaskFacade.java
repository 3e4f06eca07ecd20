package io.swmrfacade.client;

import io.swmrfacade.client.internal.FacadeImpl;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The facade of seed 001, made durable: submit tasks without ever blocking, collect exactly one
 * result per task, matched by id, even across worker, broker and client crashes.
 *
 * <pre>{@code
 * try (TaskFacade facade = TaskFacade.builder().bootstrap("127.0.0.1:9092").build()) {
 *     TaskHandle h = facade.submit(Task.of("sleep", "0.5"));
 *     CollectResult all = facade.collect(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Thread-safe: any thread may submit and collect. The facade runs two threads of its own: a
 * sender, the only one that ever waits on the broker to take tasks, and a result reader, which
 * reads the session's share of the results topic and completes the futures. Results are also
 * delivered to {@link #results()} subscribers on delivery threads of their own.
 */
public interface TaskFacade extends AutoCloseable {

    /**
     * Queues a task for the broker and returns at once; never waits on the network, whatever the
     * state of the broker. The task joins this facade's session. The handle's future completes on
     * the result-reader thread when the result arrives (or on the closing thread, NOT_SENT).
     * Size limits are checked when the {@link Task} is made ({@link io.swmrfacade.topology.TaskLimits}).
     *
     * @throws SubmitRejectedException if the facade is closed or its buffer of unconfirmed tasks is
     *     full (count or bytes), for example while the broker is unreachable
     */
    TaskHandle submit(Task task);

    /**
     * Asks the writer nodes to cancel {@code task}, a task of this facade's session (resume a
     * session to cancel its tasks from another process). Returns at once; the future completes on
     * a facade thread when the broker has the request, or exceptionally with a
     * {@link FacadeException} naming the reason (the cancels topic, which writer nodes create when
     * they start, not found within 10 s; the facade closed first).
     *
     * <p>The task's one result then comes as any result does: CANCELLED if it had not started (it
     * never runs) or if its handler was interrupted; the result it had if it finished first (a
     * cancel changes nothing then), or if its handler does not allow interruption and runs to the
     * end. A cancel reaches the node that owns the task whatever its backlog, through the
     * cancels topic that every node follows.
     *
     * @throws FacadeException if the facade is closed
     */
    CompletableFuture<Void> cancel(TaskId task);

    /**
     * {@link #cancel} for every task of this facade's session: those not finished yet, and any
     * submitted after it, end CANCELLED. Returns at once, as {@link #cancel} does. Tasks this
     * facade submits afterwards carry the cancel themselves, so none runs even if it reaches a
     * node before the cancel; tasks another process submits to the session end CANCELLED once the
     * nodes have read the cancel (docs/PROTOCOL.md §5a).
     *
     * @throws FacadeException if the facade is closed
     */
    CompletableFuture<Void> cancelSession();

    /**
     * Waits up to {@code timeout} for every task of the session to have its result, then returns
     * one result per task in submission order, and the ids still missing. May be called any
     * number of times; never waits longer than {@code timeout}.
     *
     * @throws FacadeException if interrupted
     */
    CollectResult collect(Duration timeout);

    /**
     * The session's results as they arrive, first to last, each task once: every subscriber
     * starts from the first result of the session (also those that arrived before it subscribed)
     * and follows new ones live; after {@link #close(Duration)} it gets {@code onComplete} once it
     * has taken the results that arrived. The order is arrival order, not submission order.
     *
     * <p>Backpressure is exact: a subscriber gets no more than it requested, and what it has not
     * requested waits in the session's own result list (no extra buffer, nothing dropped). Its
     * methods are called serially on a delivery thread of the facade, never on the result-reader
     * thread, so a slow subscriber delays only itself. A subscriber that throws is cancelled.
     */
    Flow.Publisher<TaskResult> results();

    /** Counters of this facade; never blocks. */
    FacadeStats stats();

    SessionId session();

    /**
     * Stops accepting tasks, delivers what is buffered within {@code timeout}, completes the
     * tasks the broker never confirmed as NOT_SENT, and returns their ids in submission order.
     * Returns within the timeout whatever the state of the broker. A task reported here was not
     * confirmed; if the broker was slow rather than away it may still have been written and run,
     * but this facade shows it as NOT_SENT. Close also waits, within the same timeout, for the
     * journal entries of the tasks the broker took ({@link #unjournaled()}). A second call returns
     * an empty list at once.
     */
    List<TaskId> close(Duration timeout);

    /**
     * After {@link #close(Duration)}: the tasks the broker took whose journal record it did not
     * confirm before close returned (close also logs them at WARN), in submission order; empty
     * before close. The facade journals every task the broker takes (the tasks acknowledged
     * together in one record), and keeps trying as it does for tasks, so a resumed session knows
     * the task even before its result arrives; a task listed here is known to a resumed session
     * only once its result is in.
     */
    List<TaskId> unjournaled();

    /** {@link #close(Duration)} with the builder's close timeout. */
    @Override
    void close();

    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TaskFacade}; {@link #build()} copies, so a built facade never changes. */
    final class Builder {
        private String bootstrap = System.getenv().getOrDefault("SF_BOOTSTRAP", ClusterConfig.DEFAULT_BOOTSTRAP);
        private Topics topics = Topics.defaults();
        private SessionId resume;
        private int maxBufferedTasks = 100_000;
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration clockSkewTolerance = Duration.ofMinutes(2);
        private final Map<String, Object> kafka = new HashMap<>();
        private Clock clock = Clock.systemUTC();
        private Object meterRegistry;

        private Builder() {
        }

        public Builder bootstrap(String servers) {
            this.bootstrap = requireText(servers, "bootstrap");
            return this;
        }

        public Builder topicPrefix(String prefix) {
            this.topics = new Topics(prefix);
            return this;
        }

        /** Re-attaches to an existing session instead of starting a new one. */
        public Builder resume(SessionId session) {
            this.resume = Objects.requireNonNull(session, "session");
            return this;
        }

        /** Bounds on tasks submitted but not yet confirmed by the broker; past either, submit fails fast. */
        public Builder maxBuffered(int tasks, long bytes) {
            if (tasks < 1 || bytes < 1) {
                throw new IllegalArgumentException("buffer bounds must be positive, not " + tasks + " tasks / " + bytes + " bytes");
            }
            this.maxBufferedTasks = tasks;
            this.maxBufferedBytes = bytes;
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /** How far the broker's clock may lag this host's: a session starts reading results that much earlier. */
        public Builder clockSkewTolerance(Duration tolerance) {
            this.clockSkewTolerance = positive(tolerance, "clockSkewTolerance");
            return this;
        }

        /**
         * A Kafka client setting passed to the facade's producer and consumer (security settings,
         * say). The facade fixes {@code acks=all}, idempotence, {@code isolation.level=read_uncommitted},
         * {@code max.request.size} ({@link io.swmrfacade.topology.TaskLimits#MAX_RECORD_BYTES}) and
         * {@code max.block.ms} (at most 100 ms: close() relies on its sender never blocking longer).
         */
        public Builder kafka(String key, Object value) {
            this.kafka.put(requireText(key, "kafka key"), value);
            return this;
        }

        /**
         * Every entry of {@code settings} as by {@link #kafka(String, Object)}: the Kafka client
         * settings of a role's configuration, say ({@code RoleConfig.kafkaOverrides()}), or of a
         * client properties file ({@code ClusterConfig.kafkaPassThrough}).
         */
        public Builder kafka(Map<String, ?> settings) {
            Objects.requireNonNull(settings, "settings").forEach(this::kafka);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Reports to this Micrometer registry (optional: the facade brings no Micrometer, add
         * {@code micrometer-core} yourself): {@code sf.client.submitted}, {@code sf.client.results}
         * by {@code status}, the {@code sf.client.submit.to.result} timer (with a histogram) and the
         * {@code sf.client.buffered} gauge. The facades on one registry share them: counters and
         * the timer add up, and the gauge sums the open facades.
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public TaskFacade build() {
            return new FacadeImpl(new FacadeImpl.Settings(bootstrap, topics, resume == null ? SessionId.next() : resume,
                    resume != null, maxBufferedTasks, maxBufferedBytes, closeTimeout, clockSkewTolerance, Map.copyOf(kafka), clock, meterRegistry));
        }

        private static String requireText(String s, String what) {
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return s;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, not " + d);
            }
            return d;
        }
    }
}
