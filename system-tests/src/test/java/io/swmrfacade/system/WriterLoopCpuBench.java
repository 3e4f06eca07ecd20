package io.swmrfacade.system;

import com.google.protobuf.ByteString;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.writer.WriterNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What one 100-byte {@code echo} task costs the writer node's loop thread ({@code sf-writer-loop}),
 * in thread CPU time and bytes allocated, through the whole path on a real writer node (HDF5 file,
 * transactions) on the in-JVM cluster (or {@code SF_BOOTSTRAP}). Thread CPU time moves far less
 * with the other processes on the machine than a rate does, but it moves with how many tasks
 * each turn of the loop takes, so two ways to feed the node:
 *
 * <ul>
 *   <li>{@code plain} (the default): a plain producer in this JVM writes the tasks to the tasks
 *       topic much faster than the node takes them (acks=all, batched), so the loop runs flat out
 *       with full polls: the figure that bounds the node's echo rate;
 *   <li>{@code facade}: a facade submits them as fast as it can and collects the results; the
 *       node then waits for the facade most of the time and takes fewer tasks per turn.
 * </ul>
 *
 * <p>Two rounds of warm-up, then {@code rounds} counted rounds; prints each round and the medians.
 * Run: {@code bench/run wloop [tasks=100000] [rounds=5] [plain|facade]}. A benchmark, not a test.
 */
public final class WriterLoopCpuBench {

    private WriterLoopCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        boolean viaFacade = args.length > 2 && args[2].equals("facade");
        Path dir = Files.createTempDirectory("sf-wloop");
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 'x');
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] nsPerTask = new double[rounds];
        double[] bytesPerTask = new double[rounds];
        System.out.println("tasks fed through " + (viaFacade ? "a facade (submit, collect)" : "a plain producer (the node runs flat out)"));
        try (Installation sf = new Installation("wloop", 3)) {
            WriterNode writer = sf.writer(dir.resolve("wloop.h5"), "wloop-writer");
            try (TaskFacade facade = sf.facade().maxBuffered(n + 1, 1L << 32).build();
                 KafkaProducer<byte[], byte[]> producer = plainProducer(sf.bootstrap)) {
                facade.submit(Task.of("echo", "ready")).result().get(60, java.util.concurrent.TimeUnit.SECONDS);
                long loop = loopThreadId();
                for (int r = -2; r < rounds; r++) {
                    long done = writer.tasksDone();
                    long cpu = threads.getThreadCpuTime(loop);
                    long bytes = threads.getThreadAllocatedBytes(loop);
                    long start = System.nanoTime();
                    boolean complete;
                    if (viaFacade) {
                        for (int i = 0; i < n; i++) {
                            facade.submit(Task.of("echo", payload));
                        }
                        CollectResult all = facade.collect(Duration.ofMinutes(3));
                        complete = all.complete();
                    } else {
                        String session = UUID.randomUUID().toString();
                        for (int i = 0; i < n; i++) {
                            producer.send(new ProducerRecord<>(sf.prefix + "tasks", null, TaskRequest.newBuilder().setTaskId(uuid7())
                                    .setSessionId(session).setSequence(i + 1).setType("echo").setPayload(ByteString.copyFrom(payload))
                                    .setSubmittedAtUs(System.currentTimeMillis() * 1000).build().toByteArray()));
                        }
                        producer.flush();
                        complete = true;
                    }
                    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                    Pacer.parkUntil(() -> writer.tasksDone() - done >= n || System.nanoTime() > deadline, 1_000);
                    complete &= writer.tasksDone() - done >= n;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double ns = (threads.getThreadCpuTime(loop) - cpu) / (double) n;
                    double b = (threads.getThreadAllocatedBytes(loop) - bytes) / (double) n;
                    System.out.printf("%s %d: %d echo tasks in %.2f s (%.0f tasks/s), complete=%s; loop thread %.0f ns CPU"
                            + " and %.0f bytes allocated per task, busy %.0f%% of the round (load average %s)%n",
                            r < 0 ? "warm-up" : "round", r < 0 ? r + 3 : r + 1, n, seconds, n / seconds, complete, ns, b,
                            100 * ns * n / 1e9 / seconds, load());
                    if (!complete) {
                        throw new IllegalStateException("round " + r + ": the node did not answer all " + n + " tasks in time");
                    }
                    if (r >= 0) {
                        nsPerTask[r] = ns;
                        bytesPerTask[r] = b;
                    }
                }
            }
            writer.close();
        }
        BenchFiles.deleteTree(dir); // a run leaves a file of 700,000 rows (about 200 MB)
        System.out.printf("RESULT writer loop thread per 100-byte echo task, fed by %s (median of %d rounds of %d): %.0f ns CPU,"
                + " %.0f bytes allocated%n", viaFacade ? "a facade" : "a plain producer", rounds, n, median(nsPerTask), median(bytesPerTask));
        System.exit(0);
    }

    private static KafkaProducer<byte[], byte[]> plainProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A UUIDv7 in text form for now (random below the time), as the protocol asks of task ids. */
    private static String uuid7() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextInt() & 0x0fff);
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static String load() {
        return String.format("%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
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
