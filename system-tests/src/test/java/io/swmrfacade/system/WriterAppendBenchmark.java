package io.swmrfacade.system;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.swmr.FileLayout;
import io.swmrfacade.swmr.Hdf5Library;
import io.swmrfacade.swmr.internal.H5Ops;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A benchmark, not a test: append throughput of 64k-float32-sample tasks through the whole writer
 * node (client, Kafka, node, SWMR file, results), against a bare Java loop of H5Dset_extent +
 * H5Dwrite + H5Dflush and against h5py doing the same appends, in the same run; and end-to-end
 * throughput of no-op (echo) tasks. Appends run twice: with one routing key (in order, one at a
 * time) and without (any order, up to the append lane's limit at once). Each of the two runs
 * right after Kafka alone carries the same payloads (a producer to a consumer, on a topic of as
 * many partitions as the node's tasks topic), and is compared with that run: the ratio "through
 * the node / Kafka alone" is the figure that counts. Prints figures and ratios, each ratio on a
 * RESULT line with the machine's load average.
 *
 * <p>{@code bench/run append [tasks] [echos]}.
 */
public final class WriterAppendBenchmark {

    private static final int SAMPLES = 64 * 1024;
    private static final String STREAM = "/bench/Ex";
    /** Partitions of the node's tasks topic and of Kafka alone's topic: like with like. */
    private static final int PARTITIONS = 1;

    private WriterAppendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int echos = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory("sf-bench");
        double mb = tasks * (double) SAMPLES * 4 / 1e6;

        double bare = bareJava(dir.resolve("bare.h5"), tasks);
        double py = h5py(dir.resolve("py.h5"), tasks);
        double[] node = throughNode(dir, tasks, echos);
        System.out.printf("appends: %d tasks x %d float32 samples = %.1f MB%n", tasks, SAMPLES, mb);
        System.out.printf("bare Java set_extent+write+flush:         %8.1f MB/s%n", mb / bare);
        System.out.printf("h5py same appends:                        %8.1f MB/s%n", py > 0 ? mb / py : Double.NaN);
        System.out.printf("node, one routing key (in order):         %8.1f MB/s  (%.0f tasks/s)%n", mb / node[0], tasks / node[0]);
        System.out.printf("node, no routing key (any order):         %8.1f MB/s  (%.0f tasks/s)%n", mb / node[1], tasks / node[1]);
        System.out.printf("Kafka alone, same payloads produced+consumed: %8.1f MB/s (before in order), %.1f MB/s (before any order)%n",
                mb / node[3], mb / node[4]);
        System.out.printf("ratio to bare Java: ordered %.3f, unordered %.3f;  to h5py: ordered %.3f, unordered %.3f;  bare Java / h5py %.2f%n",
                bare / node[0], bare / node[1], py / node[0], py / node[1], py / bare);
        System.out.printf("ratio to Kafka alone: ordered %.3f, unordered %.3f;  Kafka alone / bare Java %.3f%n",
                node[3] / node[0], node[4] / node[1], bare / node[3]);
        System.out.printf("RESULT append in order through the node / Kafka alone: %.1f / %.1f MB/s = %.3f (target 0.8)%n",
                mb / node[0], mb / node[3], node[3] / node[0]);
        System.out.printf("RESULT append in any order through the node / Kafka alone: %.1f / %.1f MB/s = %.3f (target 0.8)%n",
                mb / node[1], mb / node[4], node[4] / node[1]);
        System.out.printf("RESULT append in order through the node / Kafka alone sending as the facade must (1 request in flight):"
                + " %.1f / %.1f MB/s = %.3f%n", mb / node[0], mb / node[5], node[5] / node[0]);
        System.out.printf("no-op echo tasks end to end: %d in %.2f s = %.0f tasks/s%n", echos, node[2], echos / node[2]);
        System.exit(0);
    }

    /** Seconds for {@code tasks} appends of 64k float32 with the HDF5 Java API alone, SWMR on, same chunking as the node. */
    private static double bareJava(Path path, int tasks) {
        Hdf5Library.load();
        byte[] samples = pattern();
        long fapl = H5Ops.v110Fapl();
        long f = H5.H5Fcreate(path.toString(), HDF5Constants.H5F_ACC_TRUNC, HDF5Constants.H5P_DEFAULT, fapl);
        H5.H5Pclose(fapl);
        H5Ops.createAppendable(f, STREAM, HDF5Constants.H5T_IEEE_F32LE, FileLayout.streamChunkSamples());
        H5.H5Fstart_swmr_write(f);
        long ds = H5.H5Dopen(f, STREAM, HDF5Constants.H5P_DEFAULT);
        long t0 = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            H5Ops.append(ds, HDF5Constants.H5T_NATIVE_FLOAT, SAMPLES, samples);
            H5.H5Dflush(ds);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        H5.H5Dclose(ds);
        H5.H5Fclose(f);
        return seconds;
    }

    /** Seconds for h5py (Debian, HDF5 1.10) doing the same SWMR appends, or -1 if h5py is absent. */
    private static double h5py(Path path, int tasks) throws Exception {
        if (!H5pyCrossCheckIT.h5pyAvailable()) {
            return -1;
        }
        String script = String.join("\n",
                "import sys, time, h5py, numpy as np",
                "path, n, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
                "f = h5py.File(path, 'w', libver=('v110', 'v110'))",
                "ds = f.create_dataset('/bench/Ex', (0,), maxshape=(None,), dtype='<f4', chunks=(chunk,))",
                "f.swmr_mode = True",
                "x = np.arange(" + SAMPLES + ", dtype='<f4')",
                "t0 = time.perf_counter()",
                "for i in range(n):",
                "    m = ds.shape[0]; ds.resize((m + len(x),)); ds[m:] = x; ds.flush()",
                "print(time.perf_counter() - t0)",
                "f.close()");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, path.toString(), Integer.toString(tasks),
                Long.toString(FileLayout.streamChunkSamples())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("h5py benchmark failed: " + out);
        }
        return Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1));
    }

    /**
     * Seconds for the append tasks in order and in any order, for the echo tasks, each from first
     * submit to last result collected, and for Kafka alone before each of the two append runs.
     */
    private static double[] throughNode(Path dir, int tasks, int echos) throws Exception {
        byte[] payload = Payloads.float32(STREAM, 0, SAMPLES);
        try (Installation sf = new Installation("bench", PARTITIONS)) {
            Map<String, Object> settings = sf.writerSettings(dir.resolve("node.h5"), "bench-writer");
            settings.put("kafka.max.partition.fetch.bytes", 16 * 1024 * 1024);
            settings.put("kafka.fetch.max.bytes", 64 * 1024 * 1024);
            WriterNode writer = WriterNode.start(new WriterConfig(settings), Clock.systemUTC());
            try (TaskFacade warm = sf.facade().build()) {
                warm.submit(Task.of("append", payload).withRoutingKey(STREAM));
                warm.collect(Duration.ofSeconds(60));
            }
            // Kafka alone right before each of the node's runs, so that each pair sees the same machine.
            double kafkaOrdered = kafkaAlone(sf.bootstrap, payload, tasks, false);
            double kafkaAsFacade = kafkaAlone(sf.bootstrap, payload, tasks, true);
            double ordered = appends(sf, payload, tasks, STREAM);
            double kafkaUnordered = kafkaAlone(sf.bootstrap, payload, tasks, false);
            double unordered = appends(sf, payload, tasks, "");
            double noop;
            try (TaskFacade facade = sf.facade().build()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < echos; i++) {
                    facade.submit(Task.of("echo", "x"));
                }
                CollectResult r = facade.collect(Duration.ofMinutes(5));
                noop = (System.nanoTime() - t0) / 1e9;
                if (!r.allSucceeded()) {
                    throw new IllegalStateException("echo tasks failed: " + r.missing().size() + " missing");
                }
            }
            writer.close();
            return new double[] {ordered, unordered, noop, kafkaOrdered, kafkaUnordered, kafkaAsFacade};
        }
    }

    private static double appends(Installation sf, byte[] payload, int tasks, String routingKey) {
        try (TaskFacade facade = sf.facade().maxBuffered(100_000, 1L << 30).build()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                facade.submit(Task.of("append", payload).withRoutingKey(routingKey));
            }
            Pacer.parkUntil(() -> facade.stats().buffered() == 0, 200);
            double onBroker = (System.nanoTime() - t0) / 1e9;
            CollectResult r = facade.collect(Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!r.allSucceeded()) {
                throw new IllegalStateException("append tasks failed: " + r.missing().size() + " missing");
            }
            System.out.printf("  %s: all %d tasks on the broker after %.2f s, all results after %.2f s (load average %s)%n",
                    routingKey.isEmpty() ? "no routing key" : "one routing key", tasks, onBroker, seconds, load());
            return seconds;
        }
    }

    /**
     * Seconds for Kafka alone to carry the same payloads from a producer (acks=all, as the
     * facade) to a consumer on the same broker: the transport's ceiling for the node. With
     * {@code asFacade}, the producer sends as the facade must on brokers before Kafka 4.5: one
     * request in flight (KAFKA-15591, see FacadeImpl), with the facade's batches of 1 MiB (three
     * 256 KiB payloads per request to a partition).
     */
    private static double kafkaAlone(String bootstrap, byte[] payload, int tasks, boolean asFacade) throws Exception {
        String topic = "bench-bytes-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Map<String, Object> p = new java.util.HashMap<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                "max.request.size", 16 * 1024 * 1024, "buffer.memory", 256L * 1024 * 1024, "batch.size", 1024 * 1024));
        if (asFacade) {
            p.put("max.in.flight.requests.per.connection", 1);
        }
        Map<String, Object> c = Map.of("bootstrap.servers", bootstrap, "max.partition.fetch.bytes", 16 * 1024 * 1024,
                "fetch.max.bytes", 64 * 1024 * 1024);
        var ser = new org.apache.kafka.common.serialization.ByteArraySerializer();
        var de = new org.apache.kafka.common.serialization.ByteArrayDeserializer();
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p, ser, ser);
             var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(c, de, de)) {
            consumer.assign(java.util.List.of(tp));
            consumer.seekToBeginning(java.util.List.of(tp));
            long t0 = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, payload));
            }
            int got = 0;
            long deadline = t0 + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
            while (got < tasks) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Kafka alone: " + got + " of " + tasks + " payloads consumed in 5 minutes");
                }
                got += consumer.poll(Duration.ofMillis(100)).count();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("  Kafka alone%s: %d payloads produced and consumed in %.2f s (load average %s)%n",
                    asFacade ? " sending as the facade (1 request in flight, 1 MiB batches)" : "", tasks, seconds, load());
            return seconds;
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static byte[] pattern() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * SAMPLES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SAMPLES; i++) {
            b.putFloat(i);
        }
        return b.array();
    }
}
