package io.swmrfacade.system;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.writer.WriterNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's CPU per task (issue 11): CPU time of the facade's own threads over {@code tasks}
 * 100-byte echo tasks through a real writer node, divided by the task count. Throughput on a
 * shared 2-core machine is noise; CPU per task of each thread is much less so.
 *
 * <p>Threads counted, by name: the caller (this bench's main thread, which submits and collects),
 * {@code sf-facade-sender}, {@code sf-facade-results}, and the network threads of the facade's two
 * producers ({@code kafka-producer-network-thread | cpu-bench-tasks} and {@code ...-journal}). The
 * process's whole CPU (broker when in-JVM, coordinator, writer, client) is printed for context,
 * and at the end the number of journal records the session wrote.
 *
 * <p>Arguments: {@code tasks rounds rate}; {@code rate} 0 submits as fast as the caller can (the
 * echo-rate shape), otherwise paces by parking. Defaults 100000 3 0. One facade serves every round
 * after a warm-up of 20,000 tasks, so the JIT has compiled the path before anything counts.
 */
public final class ClientCpuBench {

    private static final String CLIENT_ID = "cpu-bench";
    private static final List<String> THREADS = List.of("caller", "sf-facade-sender", "sf-facade-results",
            "kafka-producer-network-thread | " + CLIENT_ID + "-tasks", "kafka-producer-network-thread | " + CLIENT_ID + "-journal");

    private ClientCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        mx.setThreadCpuTimeEnabled(true);
        Path dir = Files.createTempDirectory("sf-cpu-bench");
        System.out.println("broker: " + (System.getenv("SF_BOOTSTRAP") == null ? "in-JVM test kit"
                : "SF_BOOTSTRAP=" + System.getenv("SF_BOOTSTRAP") + " (its own JVM)"));
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 'x');
        Map<String, List<Double>> perTask = new LinkedHashMap<>();
        try (Installation sf = new Installation("cpu", 3)) {
            WriterNode writer = sf.writer(dir.resolve("cpu.h5"), "cpu-writer");
            try (TaskFacade facade = sf.facade().kafka("client.id", CLIENT_ID).maxBuffered(Math.max(tasks, 20_000) + 1, 1L << 32).build()) {
                run(facade, payload, 20_000, 0); // warm-up: none of it counts
                for (int r = 0; r < rounds; r++) {
                    Map<String, Long> before = cpu(mx);
                    long process = processCpu();
                    long start = System.nanoTime();
                    boolean complete = run(facade, payload, tasks, rate);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Map<String, Long> after = cpu(mx);
                    double processUs = (processCpu() - process) / 1e3 / tasks;
                    StringBuilder line = new StringBuilder();
                    double client = 0;
                    for (String t : THREADS) {
                        double us = (after.getOrDefault(t, 0L) - before.getOrDefault(t, 0L)) / 1e3 / tasks;
                        client += us;
                        perTask.computeIfAbsent(t, k -> new ArrayList<>()).add(us);
                        line.append(String.format(" %s %.2f,", t, us));
                    }
                    perTask.computeIfAbsent("client total", k -> new ArrayList<>()).add(client);
                    perTask.computeIfAbsent("whole process", k -> new ArrayList<>()).add(processUs);
                    System.out.printf("round %d: %d tasks in %.2f s, complete=%s; CPU us/task:%s client total %.2f; whole process %.2f%n",
                            r + 1, tasks, seconds, complete, line, client, processUs);
                }
                // A count that load cannot move: journal records the broker holds for the session's tasks.
                var journal = SessionJournal.records(sf.bootstrap, sf.prefix + "events", facade.session());
                System.out.printf("RESULT journal: %d records naming %d tasks (%d submitted)%n", journal.size(),
                        SessionJournal.ids(journal).size(), 20_000 + rounds * tasks);
            }
            writer.close();
        } finally {
            BenchFiles.deleteTree(dir);
        }
        StringBuilder medians = new StringBuilder();
        perTask.forEach((t, v) -> medians.append(String.format(" %s %.2f;", t, median(v))));
        System.out.printf("RESULT client CPU per task (us, median of %d rounds of %d tasks, rate %s):%s%n", rounds, tasks,
                rate == 0 ? "full speed" : rate + "/s", medians);
        System.exit(0);
    }

    /** Submits {@code n} echo tasks (paced when {@code rate} > 0) and collects them; true if all have a result. */
    private static boolean run(TaskFacade facade, byte[] payload, int n, int rate) {
        Pacer pacer = rate > 0 ? new Pacer(rate) : null;
        for (int i = 0; i < n; i++) {
            if (pacer != null) {
                pacer.awaitNext();
            }
            facade.submit(Task.of("echo", payload));
        }
        CollectResult all = facade.collect(Duration.ofMinutes(2));
        if (!all.complete()) {
            System.out.printf("INCOMPLETE: %d tasks without a result%n", all.missing().size());
        }
        return all.complete();
    }

    /** CPU nanoseconds so far of each counted thread; the caller is this thread. */
    private static Map<String, Long> cpu(ThreadMXBean mx) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("caller", mx.getCurrentThreadCpuTime());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (THREADS.contains(t.getName())) {
                out.merge(t.getName(), Math.max(0, mx.getThreadCpuTime(t.getId())), Long::sum);
            }
        }
        return out;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
