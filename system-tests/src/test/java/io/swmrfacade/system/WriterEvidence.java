package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.swmr.TaskRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the writer tests check, read with independent means: committed records straight off the
 * topics (read_committed), rows straight out of the file, and the reference HDF5 tools.
 */
final class WriterEvidence {

    private WriterEvidence() {
    }

    /** A fresh log file under target/writer-logs, kept after the run for post-mortems. */
    static Path logFile(String name) throws java.io.IOException {
        Path dir = Path.of("target", "writer-logs");
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(log);
        return log;
    }

    /** Every committed TaskResult on the results topic, by task id, in topic order. */
    static Map<String, List<TaskResult>> committedResults(Installation sf) throws Exception {
        Map<String, List<TaskResult>> out = new HashMap<>();
        for (byte[] value : committed(sf, sf.prefix + "results")) {
            for (TaskResult r : ClientTopics.results(value)) {
                out.computeIfAbsent(r.getTaskId(), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    /**
     * For a post-mortem when the committed results are not what they should be: every record of
     * the results topic as a reader of uncommitted results sees it, then as a committed reader
     * does, each with the task ids it answers; and the writers' committed offsets with their metadata.
     */
    static void printResultsPostMortem(Installation sf) throws Exception {
        for (boolean committed : new boolean[] {false, true}) {
            for (ConsumerRecord<byte[], byte[]> r : ClientTopics.readAll(sf.bootstrap, sf.login, sf.prefix + "results", x -> true, committed)) {
                List<String> ids = ClientTopics.results(r.value()).stream().map(TaskResult::getTaskId).toList();
                System.out.printf("post-mortem: %s results %d@%d (%d): %s%n", committed ? "committed" : "uncommitted",
                        r.partition(), r.offset(), ids.size(), ids);
            }
        }
        Map<String, Object> c = new HashMap<>(sf.login);
        c.put("bootstrap.servers", sf.bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(c)) {
            System.out.println("post-mortem: offsets of " + sf.prefix + "writers: " + admin.listConsumerGroupOffsets(sf.prefix + "writers")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
        }
    }

    static List<DeadLetter> deadLetters(Installation sf) throws Exception {
        List<DeadLetter> out = new ArrayList<>();
        for (byte[] value : committed(sf, sf.prefix + "dead-letter")) {
            out.add(DeadLetter.parseFrom(value));
        }
        return out;
    }

    /** The values of every committed record of {@code topic}, read to its end once no transaction is open on it. */
    static List<byte[]> committed(Installation sf, String topic) {
        return ClientTopics.readAll(sf.bootstrap, sf.login, topic, r -> true, true).stream().map(ConsumerRecord::value).toList();
    }

    /**
     * The task ids that each of two nodes' files holds, checked: the committed results hold each
     * task once, no file holds a task twice, together the files hold exactly the committed tasks,
     * and every result the facade kept names a file that holds its task.
     */
    static TwoFiles checkTwoFiles(Installation sf, List<io.swmrfacade.client.TaskHandle> handles, Path fileA, Path fileB)
            throws Exception {
        Map<String, List<TaskResult>> committed = committedResults(sf);
        assertThat(committed).hasSize(handles.size());
        committed.forEach((id, list) -> assertThat(list).as("committed results of %s", id).hasSize(1));
        List<TaskRow> rowsA = rows(fileA);
        List<TaskRow> rowsB = rows(fileB);
        assertThat(rowsA).extracting(TaskRow::taskId).doesNotHaveDuplicates();
        assertThat(rowsB).extracting(TaskRow::taskId).doesNotHaveDuplicates();
        TwoFiles files = new TwoFiles(fileA.toAbsolutePath().toString(), ids(rowsA), ids(rowsB), committed);
        for (io.swmrfacade.client.TaskHandle h : handles) {
            io.swmrfacade.client.TaskResult r = h.result().join();
            assertThat(files.holding(r.file())).as("the file %s named by the facade's result of %s holds it", r.file(), h.id())
                    .contains(h.id().value());
        }
        java.util.Set<String> union = new java.util.HashSet<>(files.inA());
        union.addAll(files.inB());
        assertThat(union).isEqualTo(committed.keySet());
        return files;
    }

    /** What {@link #checkTwoFiles} found: the ids in file A (named {@code a}) and file B, and the committed results. */
    record TwoFiles(String a, java.util.Set<String> inA, java.util.Set<String> inB, Map<String, List<TaskResult>> committed) {
        java.util.Set<String> holding(String file) {
            return file.equals(a) ? inA : inB;
        }
    }

    private static java.util.Set<String> ids(List<TaskRow> rows) {
        return rows.stream().map(TaskRow::taskId).collect(java.util.stream.Collectors.toSet());
    }

    /** Every row of every segment of the file at {@code base}. */
    static List<TaskRow> rows(Path base) {
        try (SwmrFollower f = SwmrFollower.tryOpen(base)) {
            if (f == null) {
                return List.of();
            }
            return f.poll().newRows().stream().map(SwmrFollower.Row::row).toList();
        }
    }

    /** The most rows of {@code type} whose [started, finished) intervals overlap at one instant. */
    static int maxOverlap(List<TaskRow> rows, String type) {
        List<long[]> edges = new ArrayList<>();
        for (TaskRow r : rows) {
            if (r.type().equals(type)) {
                edges.add(new long[] {r.startedUs(), 1});
                edges.add(new long[] {r.finishedUs(), -1});
            }
        }
        // At equal times an end comes before a start: back-to-back tasks do not overlap.
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int max = 0;
        for (long[] e : edges) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }

    static boolean h5pyAvailable() throws Exception {
        return H5pyCrossCheckIT.h5pyAvailable();
    }

    static boolean h5dumpAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/h5dump"));
    }

    /**
     * Opens a closed segment with h5py normally (not SWMR), which fails if the writer left its
     * status flags set, and prints its task count and stream lengths.
     */
    static String h5pySummary(Path segment) throws Exception {
        String script = String.join("\n",
                "import sys, h5py",
                "f = h5py.File(sys.argv[1], 'r')",
                "names = []",
                "f.visititems(lambda n, o: names.append('%s=%d' % (n, o.shape[0])) if isinstance(o, h5py.Dataset) else None)",
                "print(' '.join(sorted(names)))");
        return run("/usr/bin/python3", "-c", script, segment.toString());
    }

    /** {@code h5dump -H} of a segment: its header, which fails on a file left open by a writer. */
    static String h5dumpHeader(Path segment) throws Exception {
        return run("/usr/bin/h5dump", "-H", segment.toString());
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
