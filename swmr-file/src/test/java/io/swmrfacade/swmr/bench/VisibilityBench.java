package io.swmrfacade.swmr.bench;

import io.swmrfacade.swmr.SwmrFollower;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Flush-to-reader visibility: a writer process stamps each row with the wall-clock time just
 * before its flush; this process follows the file with {@link SwmrFollower} polling every
 * {@code pollMicros} and records, per row, how long after that stamp it first saw the row.
 *
 * <p>Run: {@code bench/run visibility [rows=2000] [rate=500] [pollMicros=1000]}.
 */
public final class VisibilityBench {

    private VisibilityBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        long pollMicros = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        Path dir = Files.createTempDirectory("sf-visibility");
        Path file = dir.resolve("visibility.h5");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), VisibilityWriterMain.class.getName(), file.toString(),
                Integer.toString(rows), Integer.toString(rate)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
        if (!"STARTED".equals(out.readLine())) {
            throw new IllegalStateException("writer did not start");
        }
        long[] latencyUs = new long[rows];
        int seen = 0;
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            OutputStream go = writer.getOutputStream();
            go.write('\n');
            go.flush();
            while (seen < rows) {
                SwmrFollower.Update u = f.poll();
                long now = VisibilityWriterMain.micros();
                for (SwmrFollower.Row r : u.newRows()) {
                    latencyUs[seen++] = now - r.row().finishedUs();
                }
                LockSupport.parkNanos(pollMicros * 1000);
            }
        }
        writer.waitFor();
        Arrays.sort(latencyUs);
        System.out.printf("visibility rows=%d rate=%d/s poll=%d us: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", rows, rate,
                pollMicros, latencyUs[rows / 2] / 1000.0, latencyUs[(int) (rows * 0.99)] / 1000.0, latencyUs[rows - 1] / 1000.0);
    }
}
