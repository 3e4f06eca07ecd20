package io.swmrfacade.writer.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.WriterConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * Wires a writer node's {@link TaskLoop} from its configuration: handlers, the file's applied
 * index, the lanes and key order, the attempts log, the transactions, and the worker pool.
 * Building reads the whole file's rows (the applied index) but touches no broker; the loop
 * connects when it runs.
 */
public final class TaskLoopBuilder {

    private final WriterConfig config;
    private final Clock clock;
    private final LogContext logs;
    private List<TaskHandler> extraHandlers = List.of();
    private long startCalledMs = System.currentTimeMillis();
    private long fileOpenedMs = startCalledMs;
    private MeterRegistry registry;

    public TaskLoopBuilder(WriterConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.logs = logContext(config);
    }

    /** Every log line of a node starts with its id. */
    public static LogContext logContext(WriterConfig config) {
        return new LogContext("[" + config.nodeId() + "] ");
    }

    /** Handlers given in code, besides the built-ins and plugins. */
    public TaskLoopBuilder handlers(List<TaskHandler> handlers) {
        this.extraHandlers = List.copyOf(handlers);
        return this;
    }

    /** When the node was asked to start and when its file was open (wall clock, ms), for the start-up report. */
    public TaskLoopBuilder startedAt(long startCalledMs, long fileOpenedMs) {
        this.startCalledMs = startCalledMs;
        this.fileOpenedMs = fileOpenedMs;
        return this;
    }

    /** The registry the node's meters go on ({@link MicrometerWriterMetrics}); null (the default): none are kept. */
    public TaskLoopBuilder metrics(MeterRegistry registry) {
        this.registry = registry;
        return this;
    }

    /** A loop over {@code kafka} and {@code file}; it owns and closes both once run. */
    public TaskLoop build(KafkaClients kafka, SwmrWriter file) {
        Logger log = logs.logger(TaskLoop.class);
        List<TaskHandler> all = new ArrayList<>(BuiltinHandlers.all(config.getBoolean(WriterConfig.CRASH_HANDLER)));
        all.addAll(extraHandlers);
        HandlerRegistry handlers = new HandlerRegistry(all, config.getString(WriterConfig.PLUGIN_DIR));
        TaskChecks taskChecks = new TaskChecks(handlers);
        AppliedIndex index = AppliedIndex.load(file, config.getInt(WriterConfig.APPLIED_WINDOW));
        ResultRecords records = new ResultRecords(config.topics(), config.nodeId());
        FileRecorder recorder = new FileRecorder(file, index, records);

        ExecutorService pool = Executors.newCachedThreadPool(daemon("sf-task"));
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemon("sf-task-timer"));
        // Every run schedules its time limit and cancels it when done: drop cancelled timers at
        // once, or a busy node would keep one per task for the whole time limit.
        timers.setRemoveOnCancelPolicy(true);
        CancelBook cancelBook = new CancelBook();
        QueueChecks checks = new QueueChecks(cancelBook, clock);
        TaskRunner runner = new TaskRunner(config, handlers, timers, checks, clock);

        KeyGate keys = new KeyGate();
        Map<String, Integer> limits = config.concurrencyLimits();
        int fallback = config.getInt(WriterConfig.DEFAULT_CONCURRENCY);
        Lanes lanes = new Lanes(type -> {
            if (limits.containsKey(type)) {
                return limits.get(type);
            }
            TaskHandler h = handlers.get(type);
            return h != null && h.maxConcurrency() > 0 ? h.maxConcurrency() : fallback;
        }, keys);

        WriterMetrics metrics = metrics(handlers, lanes, kafka, file, recorder);

        AtomicBoolean stopping = new AtomicBoolean();
        OffsetTracker offsets = new OffsetTracker();
        Attempts attempts = new Attempts(config, clock, logs);
        Transactions txns = metrics.transactions(new TwoProducerTransactions(kafka.transactionalIds(),
                kafka::newTransactionalProducer, config.nodeId(), logs));
        PollWakeup wakeup = new PollWakeup(kafka.consumer());
        Publishing publishing = new Publishing(txns, offsets, packing(config), metrics.recording(recorder::record),
                metrics.flushing(file::flush), attempts::clearAll, kafka.consumer()::groupMetadata, System::nanoTime, logs);
        Starts starts = new Starts(lanes, keys, attempts, pool, runner::run, runner::runInline, publishing::ranHere,
                publishing::finished, wakeup::wake, stopping::get, checks, clock, logs);
        Intake intake = new Intake(offsets, records, recorder::replay, taskChecks::rejection, attempts::starts,
                config.getInt(WriterConfig.MAX_ATTEMPTS), keys, lanes, publishing, checks, clock, logs, metrics);
        CancelsFollower cancels = new CancelsFollower(config, cancelBook, wakeup::wake, logs);
        NodeStartup startup = new NodeStartup(startCalledMs, fileOpenedMs, System.currentTimeMillis(), log);
        Rebalance rebalance = new Rebalance(kafka.consumer(), wakeup, publishing, starts, intake, offsets, attempts, startup,
                OrphanedTransactions.of(config, kafka, logs), logs);

        log.info("file {} holds {} tasks; handlers {}", file.currentFile(), index.size(), handlers.types());
        return new TaskLoop(new TaskLoop.Parts(log, kafka, config.topics().tasks(), config.getInt(WriterConfig.MAX_INFLIGHT),
                config.shutdownTimeout(), () -> prepareTopics(stopping, cancels), startup, wakeup, intake, starts, publishing,
                rebalance, lanes, keys, offsets, attempts, txns, pool, timers, file, stopping, cancels));
    }

    /** How a flush's results go out: packed per session and partition, unless the setting says one a record. */
    private static UnaryOperator<List<Transactions.Outgoing>> packing(WriterConfig config) {
        String results = config.topics().results();
        return config.getBoolean(WriterConfig.RESULTS_PACKED)
                ? staged -> ResultPacking.pack(staged, results) : UnaryOperator.identity();
    }

    /**
     * Waits for the tasks topic, makes the attempts and cancels topics this node needs, and reads
     * the cancels made while it was down: no task starts before they are known.
     */
    private void prepareTopics(AtomicBoolean stopping, CancelsFollower cancels) {
        try (Admin admin = TasksTopic.admin(config)) {
            TopicDescription tasks = TasksTopic.await(admin, config, stopping::get, logs);
            sideBySide(() -> AttemptsTopic.ensure(admin, tasks, config, logs), () -> {
                CancelsTopic.ensure(admin, tasks, config, logs);
                cancels.startAndCatchUp();
            });
        }
    }

    /** Runs {@code second} on a thread of its own while this thread runs {@code first}; rethrows what either threw. */
    private static void sideBySide(Runnable first, Runnable second) {
        java.util.concurrent.CompletableFuture<Void> other = java.util.concurrent.CompletableFuture.runAsync(second,
                r -> daemon("sf-start-cancels").newThread(r).start());
        first.run();
        try {
            other.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** The node's meters on the registry given, or {@link WriterMetrics#NONE} (nothing wrapped) without one. */
    private WriterMetrics metrics(HandlerRegistry handlers, Lanes lanes, KafkaClients kafka, SwmrWriter file, FileRecorder recorder) {
        if (registry == null) {
            return WriterMetrics.NONE;
        }
        MicrometerWriterMetrics.Sources sources = new MicrometerWriterMetrics.Sources(lanes::running, lanes::inFlight,
                kafka.consumer()::metrics, config.topics().tasks(), file::segment, file::currentFile, recorder::lastRecordedStatus);
        return new MicrometerWriterMetrics(registry, clock, System::nanoTime, handlers.types(),
                config.getInt(WriterConfig.MAX_INFLIGHT), sources);
    }

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
