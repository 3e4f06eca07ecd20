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
 * the node / Kafka alone" is the figure that counts. Each round also runs Kafka alone with its
 * consumer writing every payload's samples into an HDF5 file ({@link Carry#INTO_FILE}): the least
 * a writer of the file does, so a floor for the node. Prints figures and ratios, each ratio on a
 * RESULT line: the median of the counted rounds, each round's ratio beside it. The rounds come
 * after 180 s of the same traffic, uncounted: with one warm-up append, the first round ran at a
 * third of the later ones' speed, and after 30 s the JIT compilers still took 500 to 2,350 µs of
 * CPU per counted append (the per-task code had not run often enough to be compiled); after 180 s,
 * 25 to 350 µs (docs/BENCHMARKS.md, session 11).
 *
 * <p>{@code bench/run append [tasks] [echos] [rounds] [warmSeconds]}.
 */
public final class WriterAppendBenchmark {

    private static final int SAMPLES = 64 * 1024;
    private static final String STREAM = "/bench/Ex";
    /** Partitions of the node's tasks topic and of Kafka alone's topic: like with like. */
    private static final int PARTITIONS = 1;
    /**
     * The warm-up runs in pieces of this long, each on an installation and a file of its own that
     * are deleted after it: at 150 MB/s, a 180 s warm-up kept whole would leave some 27 GB in the
     * HDF5 file and as much in the broker's log.
     */
    private static final Duration WARM_PIECE = Duration.ofSeconds(15);
    /**
     * ... but for its last part, on the installation the rounds then run on: longer than the
     * minute the broker waits before it removes a deleted topic's files
     * ({@code log.segment.delete.delay.ms}), so that no removal lands in a counted round.
     */
    private static final Duration LAST_WARM_PIECE = Duration.ofSeconds(65);

    private WriterAppendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int echos = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int warmSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 180;
        Path dir = Files.createTempDirectory("sf-bench");
        double mb = tasks * (double) SAMPLES * 4 / 1e6;

        double bare;
        double py;
        Node node;
        try {
            bare = bareJava(dir.resolve("bare.h5"), tasks);
            py = h5py(dir.resolve("py.h5"), tasks);
            node = throughNode(dir, tasks, echos, rounds, warmSeconds);
        } finally {
            BenchFiles.deleteTree(dir);
        }
        System.out.printf("appends: %d tasks x %d float32 samples = %.1f MB; %d counted rounds after %d s of warm-up%n",
                tasks, SAMPLES, mb, rounds, warmSeconds);
        System.out.printf("bare Java set_extent+write+flush:         %8.1f MB/s%n", mb / bare);
        System.out.printf("h5py same appends:                        %8.1f MB/s%n", py > 0 ? mb / py : Double.NaN);
        for (int r = 0; r < rounds; r++) {
            System.out.printf("round %d: Kafka alone %.1f MB/s, node in order %.1f MB/s (%.3f); Kafka alone %.1f MB/s, node in any"
                            + " order %.1f MB/s (%.3f); Kafka alone sending as the facade %.1f MB/s; Kafka alone into a file %.1f MB/s%n", r + 1,
                    mb / node.kafkaOrdered[r], mb / node.ordered[r], node.kafkaOrdered[r] / node.ordered[r],
                    mb / node.kafkaUnordered[r], mb / node.unordered[r], node.kafkaUnordered[r] / node.unordered[r],
                    mb / node.kafkaAsFacade[r], mb / node.kafkaIntoFile[r]);
        }
        double ordered = median(node.ordered);
        double unordered = median(node.unordered);
        System.out.printf("node, one routing key (in order), median: %8.1f MB/s  (%.0f tasks/s)%n", mb / ordered, tasks / ordered);
        System.out.printf("node, no routing key (any order), median: %8.1f MB/s  (%.0f tasks/s)%n", mb / unordered, tasks / unordered);
        System.out.printf("ratio to bare Java: ordered %.3f, unordered %.3f;  to h5py: ordered %.3f, unordered %.3f;  bare Java / h5py %.2f%n",
                bare / ordered, bare / unordered, py / ordered, py / unordered, py / bare);
        double[] orderedRatios = ratios(node.kafkaOrdered, node.ordered);
        double[] unorderedRatios = ratios(node.kafkaUnordered, node.unordered);
        System.out.printf("RESULT append in order through the node / Kafka alone just before: median %.3f of %d rounds (%s)"
                + " (target 0.8)%n", median(orderedRatios), rounds, list(orderedRatios));
        System.out.printf("RESULT append in any order through the node / Kafka alone just before: median %.3f of %d rounds (%s)"
                + " (target 0.8)%n", median(unorderedRatios), rounds, list(unorderedRatios));
        System.out.printf("RESULT append in order through the node / Kafka alone sending as the facade must (1 request in flight):"
                + " median %.3f (%s)%n", median(ratios(node.kafkaAsFacade, node.ordered)), list(ratios(node.kafkaAsFacade, node.ordered)));
        double[] fileFloor = ratios(node.kafkaOrdered, node.kafkaIntoFile);
        System.out.printf("RESULT Kafka alone writing each payload's samples into an HDF5 file / Kafka alone just before: median %.3f (%s)"
                + " (the floor for the node: it must do both)%n", median(fileFloor), list(fileFloor));
        double[] orderedToFloor = ratios(node.kafkaIntoFile, node.ordered);
        double[] unorderedToFloor = ratios(node.kafkaIntoFile, node.unordered);
        System.out.printf("RESULT append through the node / Kafka alone into a file: in order median %.3f (%s), any order median %.3f (%s)%n",
                median(orderedToFloor), list(orderedToFloor), median(unorderedToFloor), list(unorderedToFloor));
        System.out.printf("no-op echo tasks end to end: %d in %.2f s = %.0f tasks/s%n", echos, node.echo, echos / node.echo);
        System.exit(0);
    }

    /** Seconds of each counted round: the node's two runs and the Kafka alone runs right before them. */
    private record Node(double[] ordered, double[] unordered, double[] kafkaOrdered, double[] kafkaUnordered,
                        double[] kafkaAsFacade, double[] kafkaIntoFile, double echo) {
    }

    private static double[] ratios(double[] kafkaSeconds, double[] nodeSeconds) {
        double[] r = new double[nodeSeconds.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = kafkaSeconds[i] / nodeSeconds[i];
        }
        return r;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String list(double[] values) {
        return java.util.Arrays.stream(values).mapToObj(v -> String.format("%.3f", v))
                .collect(java.util.stream.Collectors.joining(", "));
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
     * The node's appends in order and in any order, each right after Kafka alone carries the same
     * payloads, for {@code rounds} rounds after {@code warmSeconds} of the same traffic uncounted
     * (the JIT and a fresh broker are several times slower at first); then the echo tasks. Each
     * figure is seconds from first submit to last result (or last payload consumed).
     */
    private static Node throughNode(Path dir, int tasks, int echos, int rounds, int warmSeconds) throws Exception {
        byte[] payload = Payloads.float32(STREAM, 0, SAMPLES);
        long warmEnd = System.nanoTime() + Duration.ofSeconds(warmSeconds).toNanos();
        int warmRounds = 0;
        int pieces = 0;
        // All but the last piece of the warm-up on throwaway installations: the JIT's work stays in this JVM.
        while (warmEnd - System.nanoTime() > LAST_WARM_PIECE.toNanos()) {
            Path file = dir.resolve("warm-" + pieces + ".h5");
            Installation sf = new Installation("bench-warm", PARTITIONS);
            try (sf; WriterNode writer = node(sf, file)) {
                warmRounds += warm(sf, payload, tasks, Math.min(System.nanoTime() + WARM_PIECE.toNanos(),
                        warmEnd - LAST_WARM_PIECE.toNanos()));
            } finally {
                deleteTopics(sf.bootstrap, sf.prefix);
                BenchFiles.deleteTree(file);
            }
            pieces++;
        }
        Installation sf = new Installation("bench", PARTITIONS);
        try (sf) {
            WriterNode writer = node(sf, dir.resolve("node.h5"));
            warmRounds += warm(sf, payload, tasks, warmEnd);
            System.out.printf("warm-up: %d uncounted rounds in %d pieces%n", warmRounds, pieces + 1);
            Node n = new Node(new double[rounds], new double[rounds], new double[rounds], new double[rounds], new double[rounds],
                    new double[rounds], 0);
            // Kafka alone right before each of the node's runs, so that each pair sees the same machine.
            for (int r = 0; r < rounds; r++) {
                n.kafkaAsFacade[r] = kafkaAlone(sf.bootstrap, payload, tasks, Carry.AS_FACADE);
                n.kafkaIntoFile[r] = kafkaAlone(sf.bootstrap, payload, tasks, Carry.INTO_FILE);
                n.kafkaOrdered[r] = kafkaAlone(sf.bootstrap, payload, tasks, Carry.PLAIN);
                n.ordered[r] = appends(sf, payload, tasks, STREAM);
                n.kafkaUnordered[r] = kafkaAlone(sf.bootstrap, payload, tasks, Carry.PLAIN);
                n.unordered[r] = appends(sf, payload, tasks, "");
            }
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
            return new Node(n.ordered, n.unordered, n.kafkaOrdered, n.kafkaUnordered, n.kafkaAsFacade, n.kafkaIntoFile, noop);
        } finally {
            deleteTopics(sf.bootstrap, sf.prefix);
        }
    }

    private static WriterNode node(Installation sf, Path file) {
        Map<String, Object> settings = sf.writerSettings(file, "bench-writer");
        settings.put("kafka.max.partition.fetch.bytes", 16 * 1024 * 1024);
        settings.put("kafka.fetch.max.bytes", 64 * 1024 * 1024);
        return WriterNode.start(new WriterConfig(settings), Clock.systemUTC());
    }

    /** Uncounted rounds until {@code endNanos} (at least one); returns how many. */
    private static int warm(Installation sf, byte[] payload, int tasks, long endNanos) throws Exception {
        int rounds = 0;
        do {
            kafkaAlone(sf.bootstrap, payload, tasks, Carry.PLAIN);
            kafkaAlone(sf.bootstrap, payload, tasks, Carry.INTO_FILE);
            appends(sf, payload, tasks, STREAM);
            appends(sf, payload, tasks, "");
            rounds++;
        } while (System.nanoTime() < endNanos);
        return rounds;
    }

    /** Deletes the installation's topics (named {@code prefix}...), whose logs hold every payload they carried. */
    private static void deleteTopics(String bootstrap, String prefix) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            java.util.List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
            admin.deleteTopics(topics).all().get();
        }
    }

    private static double appends(Installation sf, byte[] payload, int tasks, String routingKey) {
        try (TaskFacade facade = sf.facade().maxBuffered(100_000, 1L << 30).build()) {
            ThreadCpu cpu = ThreadCpu.start();
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
            System.out.printf("  %s: all %d tasks on the broker after %.2f s, all results after %.2f s (load average %s)%n"
                            + "    CPU: %s%n    allocated: %s%n", routingKey.isEmpty() ? "no routing key" : "one routing key", tasks,
                    onBroker, seconds, load(), cpu.perTask(tasks, 8), cpu.allocatedPerTask(tasks, 6));
            return seconds;
        }
    }

    /** How Kafka alone carries the payloads. */
    private enum Carry {
        /** A producer to a consumer: the transport's ceiling for the node. */
        PLAIN,
        /**
         * The producer sends as the facade must on brokers before Kafka 4.5: one request in flight
         * (KAFKA-15591, see FacadeImpl), with the facade's batches of 1 MiB (three 256 KiB payloads
         * per request to a partition).
         */
        AS_FACADE,
        /**
         * The consumer also appends each payload's samples (copied out of the record once, as the
         * node does) to a chunked SWMR dataset like the node's, flushing the file once per poll: the
         * least any writer of the file does on top of the transport, so the floor for the node.
         */
        INTO_FILE
    }

    /**
     * Seconds for Kafka alone to carry the same payloads from a producer (acks=all, as the
     * facade) to a consumer on the same broker.
     */
    private static double kafkaAlone(String bootstrap, byte[] payload, int tasks, Carry carry) throws Exception {
        String topic = "bench-bytes-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            try {
                if (carry != Carry.INTO_FILE) {
                    return kafkaAlone(bootstrap, topic, payload, tasks, carry, r -> { });
                }
                Path dir = Files.createTempDirectory("sf-bench-floor");
                try (SamplesFile file = new SamplesFile(dir.resolve("floor.h5"), payload)) {
                    return kafkaAlone(bootstrap, topic, payload, tasks, carry, file);
                } finally {
                    BenchFiles.deleteTree(dir);
                }
            } finally {
                admin.deleteTopics(java.util.List.of(topic)).all().get(); // its log holds every payload
            }
        }
    }

    private static double kafkaAlone(String bootstrap, String topic, byte[] payload, int tasks, Carry carry,
                                     java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]>> sink)
            throws Exception {
        Map<String, Object> p = new java.util.HashMap<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                "max.request.size", 16 * 1024 * 1024, "buffer.memory", 256L * 1024 * 1024, "batch.size", 1024 * 1024));
        if (carry == Carry.AS_FACADE) {
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
                var records = consumer.poll(Duration.ofMillis(100));
                sink.accept(records);
                got += records.count();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("  Kafka alone%s: %d payloads produced and consumed in %.2f s (load average %s)%n",
                    switch (carry) {
                        case PLAIN -> "";
                        case AS_FACADE -> " sending as the facade (1 request in flight, 1 MiB batches)";
                        case INTO_FILE -> " into an HDF5 file";
                    }, tasks, seconds, load());
            return seconds;
        }
    }

    /**
     * A SWMR file with one appendable float32 dataset, chunked as the node's streams are, taking
     * the samples of each consumed payload. Every payload here has the same layout, so the samples
     * lie at one offset (found once, and checked against the parsed payload); each record's are
     * copied out once, as the node copies them.
     */
    private static final class SamplesFile implements java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]>>,
            AutoCloseable {
        private final long file;
        private final long dataset;
        private final int samplesAt;
        private final int samplesBytes;

        SamplesFile(Path path, byte[] payload) throws Exception {
            byte[] samples = io.swmrfacade.proto.v1.AppendPayload.parseFrom(payload).getSamples().toByteArray();
            this.samplesAt = samplesOffset(payload);
            this.samplesBytes = samples.length;
            if (!java.util.Arrays.equals(samples, 0, samples.length, payload, samplesAt, samplesAt + samplesBytes)) {
                throw new IllegalStateException("the payload's samples are not at offset " + samplesAt);
            }
            Hdf5Library.load();
            long fapl = H5Ops.v110Fapl();
            this.file = H5.H5Fcreate(path.toString(), HDF5Constants.H5F_ACC_TRUNC, HDF5Constants.H5P_DEFAULT, fapl);
            H5.H5Pclose(fapl);
            H5Ops.createAppendable(file, STREAM, HDF5Constants.H5T_IEEE_F32LE, FileLayout.streamChunkSamples());
            H5.H5Fstart_swmr_write(file);
            this.dataset = H5.H5Dopen(file, STREAM, HDF5Constants.H5P_DEFAULT);
        }

        private static int samplesOffset(byte[] payload) throws java.io.IOException {
            int field = io.swmrfacade.proto.v1.AppendPayload.SAMPLES_FIELD_NUMBER;
            com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(payload);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (com.google.protobuf.WireFormat.getTagFieldNumber(tag) == field) {
                    in.readRawVarint32(); // the length
                    return in.getTotalBytesRead();
                }
                in.skipField(tag);
            }
            throw new IllegalStateException("the payload has no samples");
        }

        @Override
        public void accept(org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records) {
            if (records.isEmpty()) {
                return;
            }
            for (var r : records) {
                byte[] v = r.value();
                H5Ops.append(dataset, HDF5Constants.H5T_NATIVE_FLOAT, samplesBytes / 4,
                        java.util.Arrays.copyOfRange(v, samplesAt, samplesAt + samplesBytes));
            }
            H5.H5Dflush(dataset);
        }

        @Override
        public void close() {
            H5.H5Dclose(dataset);
            H5.H5Fclose(file);
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
