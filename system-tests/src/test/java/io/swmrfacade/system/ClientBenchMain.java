package io.swmrfacade.system;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.writer.WriterNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Client benchmarks against the in-JVM cluster (or {@code SF_BOOTSTRAP}) with an in-JVM writer
 * node: the round trip submit → result at a paced 1,000 tasks/s, the highest sustained rate of
 * 100-byte {@code echo} tasks, and Kafka's own ProducerPerformance (100-byte records, acks=all)
 * on the same broker in the same run, in a child JVM. A benchmark, not a test.
 *
 * <p>Arguments (all optional): {@code rtSeconds echoTasks ppRecords}. System property
 * {@code kafka.tools.jar}: the kafka-tools 4.1.1 jar (default: the local Maven repository's).
 */
public final class ClientBenchMain {

    private ClientBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int rtSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int echoTasks = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int ppRecords = args.length > 2 ? Integer.parseInt(args[2]) : 2_000_000;
        Path dir = Files.createTempDirectory("sf-bench");
        try (Installation sf = new Installation("bench", 3)) {
            WriterNode writer = sf.writer(dir.resolve("bench.h5"), "bench-writer");
            long[] floor = KafkaPingPong.run(sf.bootstrap, 1_000, rtSeconds);
            System.out.printf("RESULT bare Kafka ping-pong at 1000/s (the floor): n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms p99.9=%.2f ms max=%.2f ms%n",
                    floor.length, ms(floor, 0.50), ms(floor, 0.90), ms(floor, 0.99), ms(floor, 0.999), floor[floor.length - 1] / 1e6);
            roundTrip(sf, rtSeconds, dir.resolve("bench.h5"));
            double echo = echoRate(sf, echoTasks);
            writer.close();
            double pp = producerPerformance(sf.bootstrap, ppRecords);
            System.out.printf("RESULT echo %.0f tasks/s, ProducerPerformance %.0f records/s, ratio %.2f%n", echo, pp, echo / pp);
        }
        System.exit(0);
    }

    /** Paced at 1,000/s: 3 s of warm-up, then {@code seconds} measured. */
    private static void roundTrip(Installation sf, int seconds, Path file) throws Exception {
        try (TaskFacade facade = sf.facade().build()) {
            // The writer is ready (group joined, transactions initialised) before the clock starts.
            facade.submit(Task.of("echo", "ready")).result().get(60, TimeUnit.SECONDS);
            int warm = 3_000;
            int n = warm + seconds * 1_000;
            long[] latency = new long[n];
            long[] submitUs = new long[n];
            long[] receivedUs = new long[n];
            List<TaskHandle> handles = new ArrayList<>(n);
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                int slot = i;
                long t0 = System.nanoTime();
                submitUs[slot] = wallMicros();
                TaskHandle h = facade.submit(Task.of("echo", "rt"));
                h.result().thenRun(() -> {
                    latency[slot] = System.nanoTime() - t0;
                    receivedUs[slot] = wallMicros();
                });
                handles.add(h);
                next += 1_000_000;
            }
            CollectResult all = facade.collect(Duration.ofSeconds(60));
            long[] measured = Arrays.copyOfRange(latency, warm, n);
            Arrays.sort(measured);
            System.out.printf("RESULT round trip at 1000/s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms p99.9=%.2f ms max=%.2f ms complete=%s%n",
                    measured.length, ms(measured, 0.50), ms(measured, 0.90), ms(measured, 0.99), ms(measured, 0.999),
                    measured[measured.length - 1] / 1e6, all.complete());
            // Where the time goes, from the start and finish times the writer stored in each
            // task's row (same host, same clock): before the handler starts, the run, and after.
            java.util.Map<String, io.swmrfacade.swmr.TaskRow> rows = new java.util.HashMap<>();
            WriterEvidence.rows(file).forEach(r -> rows.put(r.taskId(), r));
            long[] before = new long[n - warm];
            long[] run = new long[n - warm];
            long[] after = new long[n - warm];
            for (int i = warm; i < n; i++) {
                io.swmrfacade.swmr.TaskRow r = rows.get(handles.get(i).id().value());
                before[i - warm] = (r.startedUs() - submitUs[i]) * 1000;
                run[i - warm] = (r.finishedUs() - r.startedUs()) * 1000;
                after[i - warm] = (receivedUs[i] - r.finishedUs()) * 1000;
            }
            Arrays.sort(before);
            Arrays.sort(run);
            Arrays.sort(after);
            System.out.printf("RESULT round trip phases p50 (p99): submit to handler start %.2f (%.2f) ms, handler %.2f (%.2f) ms,"
                    + " handler end to result in the client %.2f (%.2f) ms%n", ms(before, 0.5), ms(before, 0.99), ms(run, 0.5),
                    ms(run, 0.99), ms(after, 0.5), ms(after, 0.99));
        }
    }

    private static long wallMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** Submits {@code n} 100-byte echo tasks as fast as the caller can and times until the last result. */
    private static double echoRate(Installation sf, int n) {
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 'x');
        try (TaskFacade facade = sf.facade().maxBuffered(Math.max(n, 20_000) + 1, 1L << 32).build()) {
            for (int i = 0; i < 20_000; i++) { // warm-up
                facade.submit(Task.of("echo", payload));
            }
            facade.collect(Duration.ofSeconds(60));
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                facade.submit(Task.of("echo", payload));
            }
            double submitted = (System.nanoTime() - start) / 1e9;
            while (facade.stats().buffered() > 0) {
                Thread.onSpinWait();
            }
            double acked = (System.nanoTime() - start) / 1e9;
            CollectResult all = facade.collect(Duration.ofMinutes(2));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!all.complete()) {
                // A benchmark that cannot finish says what it misses and where those results are.
                java.util.Set<String> missing = new java.util.HashSet<>();
                all.missing().forEach(id -> missing.add(id.value()));
                java.util.Map<Integer, Long> onTopic = new java.util.TreeMap<>();
                for (var r : ClientTopics.readAll(sf.bootstrap, sf.prefix + "results", x -> true, false)) {
                    try {
                        if (missing.contains(io.swmrfacade.proto.v1.TaskResult.parseFrom(r.value()).getTaskId())) {
                            onTopic.merge(r.partition(), 1L, Long::sum);
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }
                System.out.printf("INCOMPLETE: %d of %d tasks have no result in the facade; results of them on the topic, by partition: %s%n",
                        missing.size(), n, onTopic);
            }
            double rate = n / seconds;
            System.out.printf("RESULT echo: %d tasks in %.2f s = %.0f tasks/s, complete=%s (all submitted after %.2f s,"
                    + " all on the broker after %.2f s = %.0f tasks/s into Kafka)%n", n, seconds, rate, all.complete(), submitted, acked, n / acked);
            return rate;
        }
    }

    /** Kafka's ProducerPerformance on the same broker, in a child JVM; returns its records/s. */
    private static double producerPerformance(String bootstrap, int records) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("bench-pp", 3, (short) 1))).all().get();
        }
        String jar = System.getProperty("kafka.tools.jar", Path.of(System.getProperty("user.home"),
                ".m2/repository/org/apache/kafka/kafka-tools/4.1.1/kafka-tools-4.1.1.jar").toString());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path") + java.io.File.pathSeparator + jar, "org.apache.kafka.tools.ProducerPerformance",
                "--topic", "bench-pp", "--num-records", String.valueOf(records), "--record-size", "100", "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all").redirectErrorStream(true).start();
        String last = "";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("records/sec")) {
                    last = line;
                }
            }
        }
        p.waitFor(5, TimeUnit.MINUTES);
        System.out.println("RESULT ProducerPerformance: " + last);
        String rate = last.substring(0, last.indexOf(" records/sec"));
        return Double.parseDouble(rate.substring(rate.lastIndexOf(' ') + 1).replace(",", ""));
    }
}
