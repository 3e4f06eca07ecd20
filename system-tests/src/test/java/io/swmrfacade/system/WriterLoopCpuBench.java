package io.swmrfacade.system;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.writer.WriterNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * What one 100-byte {@code echo} task costs the writer node's loop thread ({@code sf-writer-loop}),
 * in thread CPU time and bytes allocated, through the whole path: a facade in this JVM submits
 * {@code tasks} echo tasks as fast as it can and collects their results, a real writer node takes,
 * runs, records (HDF5 file), sends and commits them on the in-JVM cluster (or {@code SF_BOOTSTRAP}).
 * Thread CPU time moves far less with the other processes on the machine than a rate does. Two
 * rounds of warm-up, then {@code rounds} counted rounds; prints each round and the medians.
 *
 * <p>Run: {@code bench/run wloop [tasks=100000] [rounds=5]}. A benchmark, not a test.
 */
public final class WriterLoopCpuBench {

    private WriterLoopCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("sf-wloop");
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 'x');
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] nsPerTask = new double[rounds];
        double[] bytesPerTask = new double[rounds];
        try (Installation sf = new Installation("wloop", 3)) {
            WriterNode writer = sf.writer(dir.resolve("wloop.h5"), "wloop-writer");
            try (TaskFacade facade = sf.facade().maxBuffered(n + 1, 1L << 32).build()) {
                facade.submit(Task.of("echo", "ready")).result().get(60, java.util.concurrent.TimeUnit.SECONDS);
                long loop = loopThreadId();
                for (int r = -2; r < rounds; r++) {
                    long done = writer.tasksDone();
                    long cpu = threads.getThreadCpuTime(loop);
                    long bytes = threads.getThreadAllocatedBytes(loop);
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        facade.submit(Task.of("echo", payload));
                    }
                    CollectResult all = facade.collect(Duration.ofMinutes(3));
                    Pacer.parkUntil(() -> writer.tasksDone() - done >= n, 1_000);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double ns = (threads.getThreadCpuTime(loop) - cpu) / (double) n;
                    double b = (threads.getThreadAllocatedBytes(loop) - bytes) / (double) n;
                    System.out.printf("%s %d: %d echo tasks in %.2f s (%.0f tasks/s), complete=%s; loop thread %.0f ns CPU"
                            + " and %.0f bytes allocated per task, busy %.0f%% of the round%n", r < 0 ? "warm-up" : "round",
                            r < 0 ? r + 3 : r + 1, n, seconds, n / seconds, all.complete(), ns, b, 100 * ns * n / 1e9 / seconds);
                    if (!all.complete()) {
                        throw new IllegalStateException("round " + r + ": " + all.missing().size() + " tasks without a result");
                    }
                    if (r >= 0) {
                        nsPerTask[r] = ns;
                        bytesPerTask[r] = b;
                    }
                }
            }
            writer.close();
        }
        System.out.printf("RESULT writer loop thread per 100-byte echo task (median of %d rounds of %d): %.0f ns CPU, %.0f bytes allocated%n",
                rounds, n, median(nsPerTask), median(bytesPerTask));
        System.exit(0);
    }

    private static long loopThreadId() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("sf-writer-loop"))
                .mapToLong(Thread::getId).findFirst().orElseThrow(() -> new IllegalStateException("no sf-writer-loop thread"));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
