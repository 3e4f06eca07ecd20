package io.swmrfacade.system;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.testkafka.KafkaVersion;
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
 * Client benchmarks against the in-JVM cluster (or {@code SF_BOOTSTRAP}, such as a broker in its
 * own JVM started with {@code bench/broker}) with a writer node and a coordinator in this JVM, or with
 * {@code BENCH_NODE=process} in a child JVM of their own ({@link BenchInstallation}). A benchmark, not a test.
 *
 * <ol>
 *   <li>Warm-up ({@link #warmUp}): {@code warmTasks} echo tasks at full speed through the node and
 *       the exactly-once echo, then {@code warmSeconds} of the measured traffic; none of it counts.
 *       Each echo rate run prints the CPU per task of every thread group, the JVM's collector and
 *       compilers included ({@link ThreadCpu}), the bytes each allocated, and with the broker in
 *       this JVM its requests per 1,000 tasks ({@link BrokerRequests}).
 *   <li>Round trip submit → result at 1,000 tasks/s, in {@code rounds} blocks of
 *       {@code rtSeconds}, each block right after a block of each floor at the same rate, so
 *       that the floors and the node see the same machine: one hop, two hops, and two hops with
 *       an exactly-once echo ({@link KafkaPingPong}, {@link TransactionalEcho}); the ratios are
 *       the figures that count.
 *   <li>The highest sustained rate of 100-byte {@code echo} tasks, alternating with the same
 *       records through the exactly-once echo and with Kafka's own ProducerPerformance
 *       (100-byte records, acks=all) in a child JVM, twice each.
 *   <li>A last block of each round trip after those runs: a warm-up that left something cold
 *       shows as counted rounds slower than this one.
 * </ol>
 *
 * <p>Every send is paced by parking ({@link Pacer}), never by spinning. Arguments (all optional):
 * {@code rtSeconds rounds echoTasks ppRecords warmSeconds warmTasks}. System property
 * {@code kafka.tools.jar}: the kafka-tools jar of the clients' version (default: the local Maven repository's).
 */
public final class ClientBenchMain {

    private static final int RATE = 1_000;

    private ClientBenchMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            // The node and the in-JVM broker keep running after a failure: exit, or the JVM stays.
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        int rtSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int echoTasks = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        int ppRecords = args.length > 3 ? Integer.parseInt(args[3]) : 2_000_000;
        int warmSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        // Hundreds of thousands: with 20,000 the JIT compilers still took 5 to 8 µs of CPU per task
        // in the measured echo runs (ThreadCpu, in-JVM kit).
        int warmTasks = args.length > 5 ? Integer.parseInt(args[5]) : 200_000;
        Path dir = Files.createTempDirectory("sf-bench");
        System.out.println("broker: " + (System.getenv("SF_BOOTSTRAP") == null ? "in-JVM test kit (KafkaClusterTestKit, same JVM as the node and client)"
                : "SF_BOOTSTRAP=" + System.getenv("SF_BOOTSTRAP") + " (its own JVM)"));
        try (BenchInstallation node = BenchInstallation.start(dir.resolve("bench.h5"))) {
            System.out.println("installation: " + node.where);
            Installation sf = node.sf;
            try (KafkaPingPong floor = new KafkaPingPong(sf.bootstrap); TaskFacade facade = sf.facade().build()) {
                // The writer is ready (group joined, transactions initialised) before any clock starts.
                facade.submit(Task.of("echo", "ready")).result().get(60, TimeUnit.SECONDS);
                warmUp(sf, floor, facade, warmTasks, warmSeconds);
                Counted counted = roundTrips(floor, facade, rounds, rtSeconds, dir.resolve("bench.h5"));
                rates(sf, floor, echoTasks, ppRecords);
                warmUpCheck(floor, facade, rtSeconds, counted);
            }
        } finally {
            BenchFiles.deleteTree(dir);
        }
    }

    /** The counted rounds' sorted latencies the warm-up check compares with. */
    private record Counted(long[] twoHops, long[] eosTwoHops, long[] roundTrip) {
    }

    /**
     * {@code rounds} rounds of {@code seconds} at 1,000/s of each floor and then the node; prints
     * each round's p50s, then the merged percentiles, the ratios and the round trip's phases.
     */
    private static Counted roundTrips(KafkaPingPong floor, TaskFacade facade, int rounds, int seconds, Path file) throws Exception {
        List<long[]> one = new ArrayList<>();
        List<long[]> two = new ArrayList<>();
        List<long[]> eos1 = new ArrayList<>();
        List<long[]> eos2 = new ArrayList<>();
        List<long[]> node = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            one.add(floor.oneHop(RATE, seconds));
            two.add(floor.twoHops(RATE, seconds));
            eos1.add(floor.eosTwoHops(1, RATE, seconds));
            eos2.add(floor.eosTwoHops(2, RATE, seconds));
            node.add(roundTrip(facade, seconds, samples));
            System.out.printf("round %d p50: two hops %.2f ms, EOS two hops (1 producer) %.2f ms, (2 producers) %.2f ms,"
                    + " node %.2f ms (load average %s)%n", r + 1, ms(two.get(r), 0.5), ms(eos1.get(r), 0.5), ms(eos2.get(r), 0.5),
                    ms(node.get(r), 0.5), load());
        }
        long[] twoHops = merged(two);
        long[] roundTrip = merged(node);
        List<long[]> eos = List.of(merged(eos1), merged(eos2));
        print("one hop, plain clients (floor)", merged(one));
        print("two hops, plain clients (floor)", twoHops);
        print("two hops, exactly-once echo, 1 producer (EOS floor)", eos.get(0));
        print("two hops, exactly-once echo, 2 producers (EOS floor, the node's shape)", eos.get(1));
        print("round trip through the node", roundTrip);
        System.out.printf("RESULT round trip / two-hop floor: p50 %.2fx, p99 %.2fx (targets: at most 1.5x and 2x)%n",
                ms(roundTrip, 0.5) / ms(twoHops, 0.5), ms(roundTrip, 0.99) / ms(twoHops, 0.99));
        for (int producers = 1; producers <= 2; producers++) {
            long[] e = eos.get(producers - 1);
            System.out.printf("RESULT round trip / EOS two-hop floor (%s): p50 %.2fx, p99 %.2fx;"
                    + " that EOS floor / two-hop floor: p50 %.2fx, p99 %.2fx%n", producers(producers),
                    ms(roundTrip, 0.5) / ms(e, 0.5), ms(roundTrip, 0.99) / ms(e, 0.99), ms(e, 0.5) / ms(twoHops, 0.5), ms(e, 0.99) / ms(twoHops, 0.99));
        }
        phases(samples, file);
        return new Counted(twoHops, eos.get(1), roundTrip);
    }

    /** Echo rates: the node's, each exactly-once echo's and ProducerPerformance's, alternating, twice each; prints them and their ratios. */
    private static void rates(Installation sf, KafkaPingPong floor, int echoTasks, int ppRecords) throws Exception {
        double[] echo = new double[2];
        double[][] eosEcho = new double[2][2];
        double[] pp = new double[2];
        for (int r = 0; r < 2; r++) {
            echo[r] = echoRate(sf, echoTasks);
            for (int producers = 1; producers <= 2; producers++) {
                eosEcho[producers - 1][r] = floor.eosEchoRate(producers, echoTasks);
                System.out.printf("RESULT EOS echo (%s): %d records of 100 bytes = %.0f records/s (load average %s)%n",
                        producers(producers), echoTasks, eosEcho[producers - 1][r], load());
            }
            pp[r] = producerPerformance(sf.bootstrap, ppRecords, r);
        }
        System.out.printf("RESULT echo %.0f and %.0f tasks/s, ProducerPerformance %.0f and %.0f records/s, ratio %.2f (target 0.35)%n",
                echo[0], echo[1], pp[0], pp[1], (echo[0] + echo[1]) / (pp[0] + pp[1]));
        for (int producers = 1; producers <= 2; producers++) {
            double[] e = eosEcho[producers - 1];
            System.out.printf("RESULT EOS echo (%s) %.0f and %.0f records/s: EOS echo / ProducerPerformance %.2f;"
                    + " node's echo / EOS echo %.2f%n", producers(producers), e[0], e[1],
                    (e[0] + e[1]) / (pp[0] + pp[1]), (echo[0] + echo[1]) / (e[0] + e[1]));
        }
    }

    /**
     * The same measurement once more, after the heaviest traffic of the run: if the warm-up left
     * anything cold, the counted rounds are slower than this block.
     */
    private static void warmUpCheck(KafkaPingPong floor, TaskFacade facade, int seconds, Counted counted) throws Exception {
        long[] two = floor.twoHops(RATE, seconds);
        long[] eos = floor.eosTwoHops(2, RATE, seconds);
        long[] node = roundTrip(facade, seconds, new ArrayList<>());
        System.out.printf("RESULT warm-up check, p50 in the rounds / after the rate runs: two hops %.2f / %.2f ms,"
                + " EOS two hops (2 producers) %.2f / %.2f ms, node %.2f / %.2f ms (load average %s)%n", ms(counted.twoHops(), 0.5),
                ms(two, 0.5), ms(counted.eosTwoHops(), 0.5), ms(eos, 0.5), ms(counted.roundTrip(), 0.5), ms(node, 0.5), load());
    }

    private static String producers(int n) {
        return n == 1 ? "1 producer" : n + " producers";
    }

    /**
     * Brings broker, node and clients to their steady state before any figure counts. A fresh
     * broker is about ten times slower for its first 30 to 40 s, and a node's round trip on a
     * broker's first run stayed 9 to 11 ms through 30 s of paced traffic, where later runs on the
     * same broker gave 2 to 3 ms. What stayed cold is the broker's JIT: paced traffic at 1,000/s
     * leaves much of the broker's code at C1 for minutes, and on a broker's first run the rate
     * runs (hundreds of thousands of records) compiled it only after the round trip was measured
     * (counted with {@code jcmd PID Compiler.codelist} on the broker; docs/BENCHMARKS.md,
     * session 5). So the warm-up starts at full speed: {@code tasks} echo tasks through the node
     * and as many records through each exactly-once echo; then {@code seconds} of the measured
     * traffic at 1,000/s, alternating, each block's p50 printed.
     */
    private static void warmUp(Installation sf, KafkaPingPong floor, TaskFacade facade, int tasks, int seconds) throws Exception {
        long t0 = System.nanoTime();
        if (tasks > 0) {
            byte[] payload = new byte[100];
            Arrays.fill(payload, (byte) 'x');
            try (TaskFacade fast = sf.facade().maxBuffered(tasks + 1, 1L << 32).build()) {
                for (int i = 0; i < tasks; i++) {
                    fast.submit(Task.of("echo", payload));
                }
                if (!fast.collect(Duration.ofMinutes(2)).complete()) {
                    throw new IllegalStateException("warm-up: echo tasks without a result");
                }
            }
            floor.eosEchoRate(1, tasks);
            floor.eosEchoRate(2, tasks);
            System.out.printf("warm-up: %d echo tasks through the node and %d records through each EOS echo at full speed in %.1f s%n",
                    tasks, tasks, (System.nanoTime() - t0) / 1e9);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            long[] two = floor.twoHops(RATE, 2);
            long[] eos1 = floor.eosTwoHops(1, RATE, 2);
            long[] eos2 = floor.eosTwoHops(2, RATE, 2);
            long[] node = roundTrip(facade, 2, new ArrayList<>());
            System.out.printf("warm-up %.0f s: p50 two hops %.2f ms, EOS two hops (1 producer) %.2f ms, (2 producers) %.2f ms,"
                    + " node %.2f ms (load average %s)%n", (System.nanoTime() - t0) / 1e9, ms(two, 0.5),
                    ms(eos1, 0.5), ms(eos2, 0.5), ms(node, 0.5), load());
        }
    }

    /** The machine's 1-minute load average: the machine is shared, so every figure says how busy it was. */
    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** One task's times: submitted and received (wall clock, µs), to split its round trip by the row's times. */
    private record Sample(TaskHandle handle, long submitUs, long[] receivedUs) {
    }

    private static long[] merged(List<long[]> blocks) {
        long[] all = blocks.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static void print(String what, long[] sorted) {
        System.out.printf("RESULT %s at %d/s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms p99.9=%.2f ms max=%.2f ms%n", what, RATE,
                sorted.length, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 0.999), sorted[sorted.length - 1] / 1e6);
    }

    /** {@code seconds} of echo tasks at 1,000/s through the facade; returns the sorted round trips in ns. */
    private static long[] roundTrip(TaskFacade facade, int seconds, List<Sample> samples) {
        int n = seconds * RATE;
        long[] latency = new long[n];
        Pacer pacer = new Pacer(RATE);
        for (int i = 0; i < n; i++) {
            pacer.awaitNext();
            int slot = i;
            long t0 = System.nanoTime();
            long[] received = new long[1];
            long submitUs = wallMicros();
            TaskHandle h = facade.submit(Task.of("echo", "rt"));
            h.result().thenRun(() -> {
                latency[slot] = System.nanoTime() - t0;
                received[0] = wallMicros();
            });
            samples.add(new Sample(h, submitUs, received));
        }
        CollectResult all = facade.collect(Duration.ofSeconds(60));
        if (!all.complete()) {
            throw new IllegalStateException("round trip: " + all.missing().size() + " tasks without a result");
        }
        Arrays.sort(latency);
        return latency;
    }

    /**
     * Where the time goes, from the start and finish times the writer stored in each task's row
     * (same host, same clock): before the handler starts, the run, and after.
     */
    private static void phases(List<Sample> samples, Path file) {
        java.util.Map<String, io.swmrfacade.swmr.TaskRow> rows = new java.util.HashMap<>();
        WriterEvidence.rows(file).forEach(r -> rows.put(r.taskId(), r));
        int n = samples.size();
        long[] before = new long[n];
        long[] run = new long[n];
        long[] after = new long[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            io.swmrfacade.swmr.TaskRow r = rows.get(s.handle().id().value());
            before[i] = (r.startedUs() - s.submitUs()) * 1000;
            run[i] = (r.finishedUs() - r.startedUs()) * 1000;
            after[i] = (s.receivedUs()[0] - r.finishedUs()) * 1000;
        }
        Arrays.sort(before);
        Arrays.sort(run);
        Arrays.sort(after);
        System.out.printf("RESULT round trip phases p50 (p99): submit to handler start %.2f (%.2f) ms, handler %.2f (%.2f) ms,"
                + " handler end to result in the client %.2f (%.2f) ms%n", ms(before, 0.5), ms(before, 0.99), ms(run, 0.5),
                ms(run, 0.99), ms(after, 0.5), ms(after, 0.99));
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
            ThreadCpu cpu = ThreadCpu.start();
            BrokerRequests requests = BrokerRequests.start();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                facade.submit(Task.of("echo", payload));
            }
            double submitted = (System.nanoTime() - start) / 1e9;
            Pacer.parkUntil(() -> facade.stats().buffered() == 0, 200);
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
                        for (var result : ClientTopics.results(r.value())) {
                            if (missing.contains(result.getTaskId())) {
                                onTopic.merge(r.partition(), 1L, Long::sum);
                            }
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
            System.out.println("RESULT echo CPU: " + cpu.perTask(n, 18));
            System.out.println("RESULT echo allocation: " + cpu.allocatedPerTask(n, 10));
            String served = requests.perThousand(n);
            if (!served.isEmpty()) {
                System.out.println("RESULT echo broker requests per 1,000 tasks: " + served);
            }
            return rate;
        }
    }

    /** Kafka's ProducerPerformance on the same broker, in a child JVM; returns its records/s. */
    private static double producerPerformance(String bootstrap, int records, int run) throws Exception {
        String topic = "bench-pp-" + run + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(KafkaPingPong.benchTopic(admin, topic))).all().get();
        }
        String jar = System.getProperty("kafka.tools.jar", Path.of(System.getProperty("user.home"),
                ".m2/repository/org/apache/kafka/kafka-tools/" + KafkaVersion.clients() + "/kafka-tools-"
                + KafkaVersion.clients() + ".jar").toString());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path") + java.io.File.pathSeparator + jar, "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", String.valueOf(records), "--record-size", "100", "--throughput", "-1",
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
