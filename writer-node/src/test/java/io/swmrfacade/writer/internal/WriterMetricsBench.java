package io.swmrfacade.writer.internal;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the writer's metric hooks cost the loop thread per task: the hooks the loop calls for one
 * task (taken, the recording decorator, the flush decorator once per 64 tasks) run on one thread
 * with Micrometer's Prometheus registry, against the same calls through {@link WriterMetrics#NONE}
 * (what a node without a metrics port runs). Measured in thread CPU time, so other processes on
 * the machine move the figures less than wall time; also the bytes allocated per task and the time
 * of one scrape of the registry.
 *
 * <p>Run: {@code bench/run wmetrics [tasksPerRound=2000000] [rounds=7]}.
 */
public final class WriterMetricsBench {

    private static final TopicPartition P0 = new TopicPartition("sf.tasks", 0);
    private static final ProducerRecord<byte[], byte[]> RESULT = new ProducerRecord<>("sf.results", new byte[1]);

    private WriterMetricsBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path file = Files.write(Files.createTempFile("sf-wmetrics", ".h5"), new byte[4096]);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerWriterMetrics metered = new MicrometerWriterMetrics(registry, Clock.systemUTC(), System::nanoTime,
                Set.of("echo", "sleep", "append"), 10_000, new MicrometerWriterMetrics.Sources(() -> 0, () -> 0, Map::of,
                "sf.tasks", () -> 0, () -> file, id -> TaskStatus.OK_VALUE));
        Inflight[] tasks = new Inflight[4096];
        Outcome[] outcomes = new Outcome[tasks.length];
        long now = System.currentTimeMillis() * 1000;
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = new Inflight(TaskRequest.newBuilder().setTaskId("t" + i).setSessionId("s").setType(i % 3 == 0 ? "echo" : "sleep")
                    .setSubmittedAtUs(now).build(), P0, i, 1, i, 0, 3);
            outcomes[i] = new Outcome(tasks[i], TaskStatus.OK, new byte[0], null, now + 10, now + 20, 1, true);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] noneNs = new long[rounds];
        long[] meteredNs = new long[rounds];
        long[] meteredBytes = new long[rounds];
        for (int r = -2; r < rounds; r++) { // two rounds of warm-up
            long cpu = threads.getCurrentThreadCpuTime();
            run(WriterMetrics.NONE, tasks, outcomes, n);
            long none = threads.getCurrentThreadCpuTime() - cpu;
            long bytes = threads.getCurrentThreadAllocatedBytes();
            cpu = threads.getCurrentThreadCpuTime();
            run(metered, tasks, outcomes, n);
            long m = threads.getCurrentThreadCpuTime() - cpu;
            bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
            if (r >= 0) {
                noneNs[r] = none;
                meteredNs[r] = m;
                meteredBytes[r] = bytes;
            }
        }
        long scrapeStart = System.nanoTime();
        String text = registry.scrape();
        long scrapeUs = (System.nanoTime() - scrapeStart) / 1000;
        System.out.printf("tasks per round %d, rounds %d (median)%n", n, rounds);
        System.out.printf("hooks without a port (NONE): %.1f ns CPU per task%n", median(noneNs) / (double) n);
        System.out.printf("hooks with metrics:          %.1f ns CPU per task, %.3f bytes allocated per task%n",
                median(meteredNs) / (double) n, median(meteredBytes) / (double) n);
        System.out.printf("one scrape: %d us, %d lines, %d bytes%n", scrapeUs, text.split("\n").length, text.length());
        registry.close();
        Files.delete(file);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The loop's calls for {@code n} tasks: taken, recorded, and a flush per 64. */
    private static void run(WriterMetrics metrics, Inflight[] tasks, Outcome[] outcomes, int n) {
        Function<Outcome, ProducerRecord<byte[], byte[]>> record = metrics.recording(o -> RESULT);
        Runnable flush = metrics.flushing(() -> { });
        for (int i = 0; i < n; i++) {
            int k = i & (tasks.length - 1);
            metrics.taken(tasks[k]);
            record.apply(outcomes[k]);
            if ((i & 63) == 63) {
                flush.run();
            }
        }
    }
}
