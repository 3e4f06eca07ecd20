package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's meters driven through the hooks the loop calls, on a real Prometheus registry,
 * with a clock the test moves and Kafka's own metrics registry standing where the consumer's is.
 */
class MicrometerWriterMetricsTest {

    private static final TopicPartition P0 = new TopicPartition("sf.tasks", 0);
    private static final ProducerRecord<byte[], byte[]> RESULT = new ProducerRecord<>("sf.results", new byte[1]);

    /** A wall clock at a microsecond the test sets, and a monotonic clock that moves with it unless the test steps the wall clock alone. */
    private static final class SetClock extends Clock {
        volatile long us = 1_700_000_000_000_000L;
        volatile long nanos = 5_000_000_000L;

        void advance(long micros) {
            us += micros;
            nanos += micros * 1000;
        }

        long nanoTime() {
            return nanos;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.EPOCH.plusNanos(us * 1000);
        }
    }

    @TempDir
    Path dir;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SetClock clock = new SetClock();
    private final Metrics kafka = new Metrics();
    private final AtomicInteger segment = new AtomicInteger();
    private final AtomicReference<Path> segmentFile = new AtomicReference<>();
    /** What the "file" recorded for each task: the status number the recording hook reads back. */
    private final AtomicInteger recordedStatus = new AtomicInteger(TaskStatus.OK_VALUE);

    @AfterEach
    void close() {
        kafka.close();
        registry.close();
    }

    private MicrometerWriterMetrics metrics() throws Exception {
        return metrics(registry, clock, clock::nanoTime);
    }

    private MicrometerWriterMetrics metrics(MeterRegistry r, Clock c, LongSupplier nanoTime) throws Exception {
        segmentFile.compareAndSet(null, Files.write(dir.resolve("run.h5"), new byte[100]));
        return new MicrometerWriterMetrics(r, c, nanoTime, Set.of("echo", "sleep"), 10_000, new MicrometerWriterMetrics.Sources(
                () -> 3, () -> 7, kafka::metrics, "sf.tasks", segment::get, segmentFile::get, id -> recordedStatus.get()));
    }

    private static Inflight task(long seq, String type, long submittedUs) {
        return new Inflight(TaskRequest.newBuilder().setTaskId("t" + seq).setSessionId("s").setType(type)
                .setSubmittedAtUs(submittedUs).build(), P0, seq, 1, seq, 0, 3);
    }

    private static Outcome ran(Inflight t, long startedUs, long finishedUs) {
        return new Outcome(t, TaskStatus.OK, new byte[0], null, startedUs, finishedUs, 1, true);
    }

    private double tasks(String status, String type) {
        return registry.get("sf.writer.tasks").tag("status", status).tag("type", type).counter().count();
    }

    private Timer timer(String name) {
        return registry.get(name).timer();
    }

    @Test
    void every_status_of_every_served_type_exists_at_zero_and_unserved_types_count_as_other() throws Exception {
        MicrometerWriterMetrics m = metrics();
        for (String type : new String[] {"echo", "sleep", "other"}) {
            for (String status : new String[] {"OK", "FAILED", "REJECTED", "WORKER_CRASHED", "EXPIRED"}) {
                assertThat(tasks(status, type)).isZero();
            }
        }
        assertThat(registry.find("sf.writer.tasks").tag("status", "NOT_SENT").counter()).isNull();

        recordedStatus.set(TaskStatus.REJECTED_VALUE);
        Inflight garbage = task(0, "no-such-type-" + System.nanoTime(), 0);
        m.taken(garbage);
        m.recording(o -> RESULT).apply(Outcome.withoutRun(garbage, TaskStatus.REJECTED, "unknown type", clock.us, false));
        assertThat(tasks("REJECTED", "other")).isEqualTo(1);
        assertThat(registry.find("sf.writer.tasks").tag("type", garbage.task().getType()).counter()).isNull();
        // Answered without running: no queue wait and no run time to speak of.
        assertThat(timer("sf.writer.queue.wait").count()).isZero();
        assertThat(timer("sf.writer.run").count()).isZero();
    }

    @Test
    void tasks_count_by_the_status_the_file_holds_not_the_one_the_handler_returned() throws Exception {
        MicrometerWriterMetrics m = metrics();
        Function<Outcome, ProducerRecord<byte[], byte[]>> record = m.recording(o -> RESULT);
        Inflight ok = task(0, "echo", 0);
        Inflight badStream = task(1, "echo", 0);
        m.taken(ok);
        m.taken(badStream);
        assertThat(record.apply(ran(ok, clock.us, clock.us))).isSameAs(RESULT);
        recordedStatus.set(TaskStatus.REJECTED_VALUE); // the recorder turned it into REJECTED: its samples could not be stored
        record.apply(ran(badStream, clock.us, clock.us));
        assertThat(tasks("OK", "echo")).isEqualTo(1);
        assertThat(tasks("REJECTED", "echo")).isEqualTo(1);
        recordedStatus.set(-1); // the file cannot say: the outcome's status counts
        Inflight failed = task(2, "echo", 0);
        record.apply(new Outcome(failed, TaskStatus.FAILED, new byte[0], null, clock.us, clock.us, 1, true));
        assertThat(tasks("FAILED", "echo")).isEqualTo(1);
    }

    @Test
    void queue_wait_runs_from_taken_to_handler_start_and_run_time_from_start_to_end() throws Exception {
        MicrometerWriterMetrics m = metrics();
        clock.advance(300_000);
        Inflight t = task(0, "sleep", 0);
        long taken = clock.us;
        m.taken(t);
        m.recording(o -> RESULT).apply(ran(t, taken + 2_500, taken + 2_500 + 40_000));
        assertThat(timer("sf.writer.queue.wait").count()).isEqualTo(1);
        assertThat(timer("sf.writer.queue.wait").totalTime(TimeUnit.MICROSECONDS)).isEqualTo(2_500);
        assertThat(timer("sf.writer.run").totalTime(TimeUnit.MICROSECONDS)).isEqualTo(40_000);
    }

    @Test
    void taken_times_read_the_wall_clock_at_most_once_a_second_and_the_monotonic_clock_between() throws Exception {
        MicrometerWriterMetrics m = metrics();
        Function<Outcome, ProducerRecord<byte[], byte[]>> record = m.recording(o -> RESULT);
        clock.us += 700_000; // the wall clock steps; within the second, taken times do not see it
        clock.nanos += 200_000_000;
        Inflight early = task(0, "sleep", 0);
        m.taken(early);
        long startedUs = clock.us;
        record.apply(ran(early, startedUs, startedUs));
        assertThat(timer("sf.writer.queue.wait").max(TimeUnit.MICROSECONDS)).isEqualTo(700_000 - 200_000);

        clock.advance(1_000_000); // a second on: the clock is read again
        Inflight late = task(1, "sleep", 0);
        m.taken(late);
        record.apply(ran(late, clock.us + 123, clock.us + 123));
        assertThat(timer("sf.writer.queue.wait").totalTime(TimeUnit.MICROSECONDS)).isEqualTo(700_000 - 200_000 + 123);
    }

    @Test
    void a_task_whose_taken_time_was_overwritten_is_left_out_of_queue_wait_rather_than_mismeasured() throws Exception {
        MicrometerWriterMetrics m = metrics();
        Inflight waiting = task(0, "sleep", 0);
        m.taken(waiting);
        clock.us += 5_000_000;
        m.taken(task(MicrometerWriterMetrics.ringSize(10_000), "echo", 0)); // same slot, taken later
        m.recording(o -> RESULT).apply(ran(waiting, clock.us + 1, clock.us + 2));
        assertThat(timer("sf.writer.queue.wait").count()).isZero();
        assertThat(timer("sf.writer.run").count()).isEqualTo(1);
        assertThat(tasks("OK", "sleep")).isEqualTo(1);
    }

    @Test
    void submit_to_result_is_timed_once_the_flush_after_the_outcomes_returns() throws Exception {
        MicrometerWriterMetrics m = metrics();
        Function<Outcome, ProducerRecord<byte[], byte[]>> record = m.recording(o -> RESULT);
        AtomicInteger flushes = new AtomicInteger();
        Runnable flush = m.flushing(flushes::incrementAndGet);
        long submitted = clock.us;
        for (int i = 0; i < 3; i++) {
            Inflight t = task(i, "echo", submitted);
            m.taken(t);
            record.apply(ran(t, submitted + 100, submitted + 200));
        }
        record.apply(ran(task(3, "echo", 0), submitted, submitted)); // no submitted_at: not timed
        assertThat(timer("sf.writer.submit.to.result").count()).isZero();
        clock.us = submitted + 7_000;
        flush.run();
        assertThat(flushes).hasValue(1);
        assertThat(timer("sf.writer.flush").count()).isEqualTo(1);
        assertThat(timer("sf.writer.submit.to.result").count()).isEqualTo(3);
        assertThat(timer("sf.writer.submit.to.result").max(TimeUnit.MICROSECONDS)).isEqualTo(7_000);
        flush.run(); // nothing recorded since: a flush, no results
        assertThat(timer("sf.writer.flush").count()).isEqualTo(2);
        assertThat(timer("sf.writer.submit.to.result").count()).isEqualTo(3);
    }

    @Test
    void a_failed_flush_sends_no_results_and_times_nothing() throws Exception {
        MicrometerWriterMetrics m = metrics();
        Inflight t = task(0, "echo", clock.us);
        m.recording(o -> RESULT).apply(ran(t, clock.us, clock.us));
        Runnable broken = m.flushing(() -> {
            throw new IllegalStateException("disk full");
        });
        assertThatThrownBy(broken::run).hasMessage("disk full");
        m.flushing(() -> { }).run();
        assertThat(timer("sf.writer.flush").count()).isEqualTo(1);
        assertThat(timer("sf.writer.submit.to.result").count()).isZero();
    }

    @Test
    void segment_and_file_size_follow_the_segment_written_as_of_the_last_flush() throws Exception {
        MicrometerWriterMetrics m = metrics();
        assertThat(registry.get("sf.writer.segment").gauge().value()).isZero();
        assertThat(registry.get("sf.writer.file.size").gauge().value()).isEqualTo(100);
        Files.write(segmentFile.get(), new byte[300]);
        assertThat(registry.get("sf.writer.file.size").gauge().value()).isEqualTo(300);
        segment.set(1);
        segmentFile.set(Files.write(dir.resolve("run.1.h5"), new byte[50]));
        assertThat(registry.get("sf.writer.segment").gauge().value()).isZero(); // not flushed yet
        m.flushing(() -> { }).run();
        assertThat(registry.get("sf.writer.segment").gauge().value()).isEqualTo(1);
        assertThat(registry.get("sf.writer.file.size").gauge().value()).isEqualTo(50);
        assertThat(registry.get("sf.writer.tasks.running").gauge().value()).isEqualTo(3);
        assertThat(registry.get("sf.writer.tasks.inflight").gauge().value()).isEqualTo(7);
    }

    @Test
    void consumer_lag_sums_the_records_lag_of_the_tasks_topic_partitions_only() throws Exception {
        metrics();
        assertThat(registry.get("sf.writer.consumer.lag").gauge().value()).isZero();
        lag("sf_tasks", 0, 40);
        lag("sf_tasks", 1, 2);
        lag("sf_results", 0, 1000);
        assertThat(registry.get("sf.writer.consumer.lag").gauge().value()).isEqualTo(42);
        lag("sf_tasks", 1, 0);
        assertThat(registry.get("sf.writer.consumer.lag").gauge().value()).isEqualTo(40);
    }

    /** As the consumer's fetcher records a partition's lag (topic dots tagged as underscores). */
    private void lag(String topicTag, int partition, long records) {
        String name = topicTag + "-" + partition + ".records-lag";
        Sensor s = kafka.getSensor(name);
        if (s == null) {
            s = kafka.sensor(name);
            s.add(kafka.metricName("records-lag", "consumer-fetch-manager-metrics", "",
                    Map.of("client-id", "sf-writer-n", "topic", topicTag, "partition", String.valueOf(partition))), new Value());
        }
        s.record(records);
    }

    @Test
    void none_wraps_nothing() {
        Function<Outcome, ProducerRecord<byte[], byte[]>> recorder = o -> RESULT;
        Runnable flush = () -> { };
        assertThat(WriterMetrics.NONE.recording(recorder)).isSameAs(recorder);
        assertThat(WriterMetrics.NONE.flushing(flush)).isSameAs(flush);
    }

    @Test
    void ring_holds_twice_the_inflight_bound_and_at_least_2_to_the_17() {
        assertThat(MicrometerWriterMetrics.ringSize(10_000)).isEqualTo(1 << 17);
        assertThat(MicrometerWriterMetrics.ringSize(100_000)).isEqualTo(1 << 18);
        assertThat(MicrometerWriterMetrics.ringSize(Integer.MAX_VALUE)).isEqualTo(1 << 22);
    }

    @Test
    void hooks_allocate_nothing_per_task_once_warm() throws Exception {
        MicrometerWriterMetrics m = metrics(registry, Clock.systemUTC(), System::nanoTime);
        Function<Outcome, ProducerRecord<byte[], byte[]>> record = m.recording(o -> RESULT);
        Runnable flush = m.flushing(() -> { });
        Inflight[] tasks = new Inflight[1024];
        Outcome[] outcomes = new Outcome[tasks.length];
        long now = System.currentTimeMillis() * 1000;
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = task(i, i % 2 == 0 ? "echo" : "no-such-type", now);
            outcomes[i] = ran(tasks[i], now + 10, now + 20);
        }
        run(m, record, flush, tasks, outcomes, 300_000); // warm: compiled, the flush buffer at its size
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        int n = 200_000;
        run(m, record, flush, tasks, outcomes, n);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // One small object per task would be at least 16 bytes a task; under a byte a task leaves
        // room for what the JVM itself allocates now and then (a late compile, a timer's window rotating).
        assertThat(allocated).as("bytes allocated for %d tasks", n).isLessThan(n);
        assertThat(timer("sf.writer.run").count()).isEqualTo(500_000);
    }

    private static void run(MicrometerWriterMetrics m, Function<Outcome, ProducerRecord<byte[], byte[]>> record, Runnable flush,
                            Inflight[] tasks, Outcome[] outcomes, int n) {
        for (int i = 0; i < n; i++) {
            int k = i & (tasks.length - 1);
            m.taken(tasks[k]);
            record.apply(outcomes[k]);
            if (k % 64 == 63) {
                flush.run();
            }
        }
    }
}
