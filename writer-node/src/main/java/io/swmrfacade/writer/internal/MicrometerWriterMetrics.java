package io.swmrfacade.writer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swmrfacade.proto.v1.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A writer node's meters, on the registry of its Prometheus endpoint:
 * <ul>
 *   <li>{@code sf.writer.tasks{status,type}}: tasks recorded in the file, by the status recorded
 *       (types no handler serves count as {@code other}, so a stream of garbage types cannot
 *       grow the series without bound);
 *   <li>timers with percentile histograms: {@code sf.writer.queue.wait} (taken from Kafka to
 *       handler start), {@code sf.writer.run} (handler start to end, retries included),
 *       {@code sf.writer.flush} (each file flush), {@code sf.writer.submit.to.result} (the task's
 *       {@code submitted_at} to its result sent, after the flush, as this node's clock sees it);
 *   <li>gauges read at scrape time: tasks running and in flight (start recorded or being
 *       recorded, not yet ended), consumer lag on the tasks topic, the segment written and its
 *       size on disk; {@link MeteredTransactions} adds the open transactions.
 * </ul>
 *
 * <p>The hooks run on the loop thread only and take no lock; per task they cost a monotonic
 * clock read, a few array and hash-map reads and the counter and timer updates, and allocate
 * nothing of their own. A task's taken time waits in a ring indexed by its arrival number
 * ({@link #ringSize}); one that waits behind more than the ring's size of later arrivals is left
 * out of the queue-wait timer (its slot was reused). Gauges are read on the scrape thread, from
 * thread-safe sources.
 */
final class MicrometerWriterMetrics implements WriterMetrics {

    /** Tag value of types no handler serves. */
    static final String OTHER_TYPE = "other";
    /** Taken times are read from the monotonic clock and placed on the wall clock read at most this often. */
    static final long ANCHOR_NANOS = 1_000_000_000L;

    /**
     * Where the gauges and the recorded status come from.
     *
     * @param running         tasks whose handlers run now (any thread)
     * @param inFlight        tasks whose start is being recorded, ready or running (any thread)
     * @param consumerMetrics the task consumer's metrics (thread-safe in Kafka's clients)
     * @param tasksTopic      the topic whose lag counts
     * @param segment         the segment written now (loop thread; read after each flush)
     * @param segmentFile     that segment's file (loop thread)
     * @param recordedStatus  the status number the file holds for a task id just recorded, -1 if unknown (loop thread)
     */
    record Sources(IntSupplier running, IntSupplier inFlight, Supplier<Map<MetricName, ? extends Metric>> consumerMetrics,
                   String tasksTopic, IntSupplier segment, Supplier<Path> segmentFile, ToIntFunction<String> recordedStatus) {
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Sources sources;
    /** Counters by type, each indexed by status number; read-only once built. */
    private final Map<String, Counter[]> tasks = new HashMap<>();
    private final Timer queueWait;
    private final Timer run;
    private final Timer flush;
    private final Timer submitToResult;
    private final long[] takenUs;
    private final long[] takenSeq;
    private final int mask;
    /** The wall clock (epoch us) and the monotonic clock (ns) read together, to place taken times; loop thread. */
    private long anchorUs;
    private long anchorNanos;
    /** submitted_at of the outcomes recorded since the last flush. */
    private long[] unsent = new long[256];
    private int unsentCount;
    private volatile int segment;
    private volatile Path segmentFile;

    /**
     * @param types       the types the node's handlers serve, tagged by name
     * @param maxInflight the node's bound on tasks taken and not finished, which sizes the ring of taken times
     */
    MicrometerWriterMetrics(MeterRegistry registry, Clock clock, LongSupplier nanoTime, Set<String> types, int maxInflight,
                            Sources sources) {
        this.registry = registry;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.sources = sources;
        this.anchorUs = EpochMicros.now(clock);
        this.anchorNanos = nanoTime.getAsLong();
        for (String type : types) {
            tasks.put(type, counters(type));
        }
        tasks.put(OTHER_TYPE, counters(OTHER_TYPE));
        int size = ringSize(maxInflight);
        this.takenUs = new long[size];
        this.takenSeq = new long[size];
        Arrays.fill(takenSeq, -1);
        this.mask = size - 1;
        this.queueWait = timer("sf.writer.queue.wait", "From a task taken from Kafka to its handler's start",
                Duration.ofNanos(100_000), Duration.ofMinutes(10));
        this.run = timer("sf.writer.run", "From a handler's start to its end, retries and their backoff included",
                Duration.ofNanos(100_000), Duration.ofHours(1));
        this.flush = timer("sf.writer.flush", "One flush of the file (what readers see next)",
                Duration.ofNanos(10_000), Duration.ofSeconds(10));
        this.submitToResult = timer("sf.writer.submit.to.result",
                "From a task's submitted_at (the client's clock) to its result sent, by this node's clock",
                Duration.ofMillis(1), Duration.ofMinutes(10));
        this.segment = sources.segment().getAsInt();
        this.segmentFile = sources.segmentFile().get();
        registerGauges();
    }

    private void registerGauges() {
        Gauge.builder("sf.writer.tasks.running", sources.running(), IntSupplier::getAsInt)
                .description("Tasks whose handlers run now").strongReference(true).register(registry);
        Gauge.builder("sf.writer.tasks.inflight", sources.inFlight(), IntSupplier::getAsInt)
                .description("Tasks out of waiting: start being recorded, ready for a slot, or running"
                        + " (a type takes up to twice its limit)")
                .strongReference(true).register(registry);
        Gauge.builder("sf.writer.consumer.lag", this, MicrometerWriterMetrics::consumerLag).baseUnit("records")
                .description("Records on the tasks topic's partitions this node owns that it has not fetched yet,"
                        + " as of its last fetch of each")
                .strongReference(true).register(registry);
        Gauge.builder("sf.writer.segment", this, m -> m.segment)
                .description("Segment of the file being written").strongReference(true).register(registry);
        Gauge.builder("sf.writer.file.size", this, MicrometerWriterMetrics::segmentBytes).baseUnit("bytes")
                .description("Size on disk of the segment being written").strongReference(true).register(registry);
    }

    /**
     * Slots for taken times: twice what the node may hold (plus a poll's worth), at least 2^17
     * (2 MB), so that a task waiting behind 130,000 later arrivals still has its wait measured.
     */
    static int ringSize(int maxInflight) {
        long want = Math.max(1L << 17, 2L * (maxInflight + 1000L));
        return (int) Math.min(1L << 22, Long.highestOneBit(want - 1) << 1);
    }

    private Counter[] counters(String type) {
        Counter[] byStatus = new Counter[TaskStatus.values().length];
        for (TaskStatus s : TaskStatus.values()) {
            if (s != TaskStatus.UNRECOGNIZED && s != TaskStatus.TASK_STATUS_UNSPECIFIED && s != TaskStatus.NOT_SENT) {
                byStatus[s.getNumber()] = Counter.builder("sf.writer.tasks").tag("status", s.name()).tag("type", type)
                        .description("Tasks recorded in the file, by status and type").register(registry);
            }
        }
        return byStatus;
    }

    private Timer timer(String name, String description, Duration min, Duration max) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(min).maximumExpectedValue(max).register(registry);
    }

    /**
     * Notes when {@code t} was taken, in the clock's microseconds like the outcome's start. The clock
     * is read at most once a second ({@link #ANCHOR_NANOS}), as reading it allocates; in between
     * the monotonic clock measures from that reading, off by the wall clock's slew since (NTP
     * slews at most 0.5 ms a second).
     */
    @Override
    public void taken(Inflight t) {
        long now = nanoTime.getAsLong();
        if (now - anchorNanos >= ANCHOR_NANOS) {
            anchorUs = EpochMicros.now(clock);
            anchorNanos = now;
        }
        int i = (int) (t.seq() & mask);
        takenUs[i] = anchorUs + (now - anchorNanos) / 1_000;
        takenSeq[i] = t.seq();
    }

    @Override
    public Function<Outcome, ProducerRecord<byte[], byte[]>> recording(Function<Outcome, ProducerRecord<byte[], byte[]>> recorder) {
        return o -> {
            ProducerRecord<byte[], byte[]> result = recorder.apply(o);
            recorded(o);
            return result;
        };
    }

    private void recorded(Outcome o) {
        Inflight t = o.task();
        Counter[] byStatus = tasks.get(t.task().getType());
        if (byStatus == null) {
            byStatus = tasks.get(OTHER_TYPE);
        }
        // The file's status, not the outcome's: recording turns an OK whose samples cannot be stored into REJECTED.
        int status = sources.recordedStatus().applyAsInt(t.id());
        if (status < 0) {
            status = o.status().getNumber();
        }
        if (status >= 0 && status < byStatus.length && byStatus[status] != null) {
            byStatus[status].increment();
        }
        if (o.started()) {
            int i = (int) (t.seq() & mask);
            if (takenSeq[i] == t.seq()) {
                queueWait.record(Math.max(0, o.startedUs() - takenUs[i]), TimeUnit.MICROSECONDS);
            }
            run.record(Math.max(0, o.finishedUs() - o.startedUs()), TimeUnit.MICROSECONDS);
        }
        long submitted = t.task().getSubmittedAtUs();
        if (submitted > 0) {
            if (unsentCount == unsent.length) {
                unsent = Arrays.copyOf(unsent, unsentCount * 2);
            }
            unsent[unsentCount++] = submitted;
        }
    }

    @Override
    public Runnable flushing(Runnable flusher) {
        return () -> {
            long start = System.nanoTime();
            try {
                flusher.run();
            } catch (RuntimeException | Error e) {
                unsentCount = 0; // the node fails: these results are not sent
                throw e;
            }
            flush.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (unsentCount > 0) {
                // Publishing sends the results right after the flush returns.
                long now = EpochMicros.now(clock);
                for (int i = 0; i < unsentCount; i++) {
                    submitToResult.record(Math.max(0, now - unsent[i]), TimeUnit.MICROSECONDS);
                }
                unsentCount = 0;
            }
            int seg = sources.segment().getAsInt();
            if (seg != segment) {
                segmentFile = sources.segmentFile().get();
                segment = seg;
            }
        };
    }

    @Override
    public Transactions transactions(Transactions txns) {
        return new MeteredTransactions(txns, registry);
    }

    private double consumerLag() {
        // Kafka tags partition metrics with the topic's dots turned into underscores (older clients kept them).
        String topic = sources.tasksTopic().replace('.', '_');
        double lag = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : sources.consumerMetrics().get().entrySet()) {
            MetricName n = e.getKey();
            String tagged = n.tags().get("topic");
            if (n.name().equals("records-lag") && n.group().equals("consumer-fetch-manager-metrics")
                    && tagged != null && tagged.replace('.', '_').equals(topic)
                    && e.getValue().metricValue() instanceof Number v && !Double.isNaN(v.doubleValue())) {
                lag += v.doubleValue();
            }
        }
        return lag;
    }

    private double segmentBytes() {
        try {
            return Files.size(segmentFile);
        } catch (IOException e) {
            return Double.NaN; // rolled over or removed between the flush and the scrape
        }
    }
}
