package io.swmrfacade.swmr.bench;

import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/** Child of {@link VisibilityBench}: appends one row at a time at a steady rate, stamping each with the time just before its flush. */
public final class VisibilityWriterMain {

    private VisibilityWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        long intervalNanos = 1_000_000_000L / Integer.parseInt(args[2]);
        try (SwmrWriter w = SwmrWriter.open(file, "visibility", Clock.systemUTC())) {
            System.out.println("STARTED");
            System.out.flush();
            System.in.read(); // the reader is attached
            long next = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                while (System.nanoTime() < next) {
                    LockSupport.parkNanos(50_000);
                }
                next += intervalNanos;
                long at = w.appendHeap(new byte[0]);
                w.appendRow(new TaskRow("row-" + i, "s", i, "echo", 1, 1, 0, i, 0, 0, micros(), at, 0, -1, 0, 0));
                w.flush();
            }
        }
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
