package io.swmrfacade.writer.internal;

import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The writer's memory for what its file holds: a file of N rows (UUIDv7 task ids, 1,000 a
 * second), then the heap after GC holding (a) every row by task id as the node did before issue
 * 11 ({@code Applied}: location and row, in a HashMap) and (b) the bounded {@link AppliedIndex},
 * each built from the same file; then the time to look up old ids, new ids and resent old ids.
 *
 * <p>Run: {@code bench/run writer-memory [rows...]} (default 100000 1000000). A program, not a test.
 */
public final class AppliedIndexMemoryBench {

    private AppliedIndexMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        long[] sizes = args.length == 0 ? new long[] {100_000, 1_000_000} : java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        for (long rows : sizes) {
            run(rows);
        }
    }

    private static void run(long rows) throws Exception {
        Path dir = Files.createTempDirectory("sf-index-bench");
        Path file = dir.resolve("rows.h5");
        long t0 = 1_764_000_000_000L;
        String[] sample = new String[1000];
        try (SwmrWriter w = SwmrWriter.open(file, "bench", Clock.systemUTC())) {
            for (long i = 0; i < rows; i++) {
                String id = uuid7(t0 + i);
                w.appendRow(new TaskRow(id, "session", i, "echo", 1, 1, 0, i, 0, 0, (t0 + i + 5) * 1000, 0, 0, -1, 0, 0));
                if (i % (rows / sample.length) == 0 && i / (rows / sample.length) < sample.length) {
                    sample[(int) (i / (rows / sample.length))] = id;
                }
                if (i % 10_000 == 0) {
                    w.flush();
                }
            }
        }
        try (SwmrWriter w = SwmrWriter.open(file, "bench", Clock.systemUTC())) {
            long base = heapAfterGc();
            Map<String, AppliedIndex.Applied> everyRow = new HashMap<>();
            long s0 = System.nanoTime();
            w.scanRows((at, row) -> everyRow.put(row.taskId(), new AppliedIndex.Applied(at, row)));
            long oldLoadMs = (System.nanoTime() - s0) / 1_000_000;
            long oldBytes = heapAfterGc() - base;
            if (everyRow.size() != rows) {
                throw new IllegalStateException(everyRow.size() + " rows indexed, not " + rows);
            }
            everyRow.clear();
            base = heapAfterGc();
            s0 = System.nanoTime();
            AppliedIndex index = AppliedIndex.load(w, 65_536);
            long newLoadMs = (System.nanoTime() - s0) / 1_000_000;
            long newBytes = heapAfterGc() - base;
            System.out.printf("rows %,d: heap after GC holding every row (before) %,d bytes = %.0f B/row, load %d ms;"
                            + " bounded index (window 65,536, %d blocks) %,d bytes = %.1f B/row, load %d ms%n",
                    rows, oldBytes, (double) oldBytes / rows, oldLoadMs, index.blockCount(), newBytes, (double) newBytes / rows, newLoadMs);
            long l0 = System.nanoTime();
            int misses = 0;
            for (int i = 0; i < 100_000; i++) {
                misses += index.get(uuid7(t0 + rows + 1000 + i)) == null ? 1 : 0;
            }
            double newUs = (System.nanoTime() - l0) / 1e3 / 100_000;
            l0 = System.nanoTime();
            int found = 0;
            for (String id : sample) {
                found += index.get(id) != null ? 1 : 0;
            }
            double oldUs = (System.nanoTime() - l0) / 1e3 / sample.length;
            if (misses != 100_000 || found != sample.length) {
                throw new IllegalStateException(misses + " new ids missed of 100000, " + found + " old ids found of " + sample.length);
            }
            System.out.printf("  lookup of a new task id (answered from memory): %.2f us; of a resent task, spread over the file: %.0f us%n",
                    newUs, oldUs);
            if (index.size() != rows) {
                throw new IllegalStateException("index size " + index.size());
            }
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static String uuid7(long ms) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (ms << 16) | 0x7000L | r.nextInt(0x1000);
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** The heap in use once collections free nothing more (at most 8 of them). */
    private static long heapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
