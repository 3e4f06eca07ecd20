package io.swmrfacade.system;

import io.swmrfacade.swmr.SampleType;
import io.swmrfacade.swmr.StreamSpec;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A writer in a child JVM that appends a known sine in real time, for the reader page's browser
 * test and benchmark: {@code SineWriterMain FILE STREAM RATE_HZ CHUNK PERIOD}. Sample {@code i}
 * (counted from the stream's first sample) is {@link #value(long, long)}; every chunk of CHUNK
 * samples goes with one OK row and one flush, paced to RATE_HZ with {@code parkNanos}. Commands
 * on stdin, each answered {@code ok} once done (after {@code READY}):
 *
 * <pre>
 * run                    start appending (in the background)
 * pause                  stop appending; the writer keeps the file and its lock
 * reject TASK MESSAGE    append and flush a REJECTED row for TASK with MESSAGE as its error text
 * cancel TASK MESSAGE    the same with a CANCELLED row
 * </pre>
 * Ends on end of input.
 */
public final class SineWriterMain {

    static final double AMPLITUDE = 250.0;
    /** Protobuf TaskStatus numbers of the rows the commands write. */
    private static final int REJECTED = 3;
    private static final int CANCELLED = 7;

    private SineWriterMain() {
    }

    /** The sample at index {@code i} of a sine with {@code period} samples. */
    static double value(long i, long period) {
        return AMPLITUDE * Math.sin(2 * Math.PI * (i % period) / period);
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String stream = args[1];
        double rate = Double.parseDouble(args[2]);
        int chunk = Integer.parseInt(args[3]);
        long period = Long.parseLong(args[4]);
        SwmrWriter w = SwmrWriter.open(file, "sine-writer", Clock.systemUTC());
        w.ensureStream(new StreamSpec(stream, SampleType.FLOAT32, "mV/km", rate, 0));
        Object lock = new Object();
        long[] seq = {w.rowCount()};
        long[] next = {0};
        boolean[] running = {false};
        Thread appender = new Thread(() -> {
            long chunkNanos = (long) (chunk * 1e9 / rate);
            long due = System.nanoTime();
            while (true) {
                synchronized (lock) {
                    if (running[0]) {
                        ByteBuffer b = ByteBuffer.allocate(chunk * 4).order(ByteOrder.LITTLE_ENDIAN);
                        for (int k = 0; k < chunk; k++) {
                            b.putFloat((float) value(next[0] + k, period));
                        }
                        long start = w.appendSamples(stream, b.array());
                        w.appendRow(row("s-" + seq[0], seq[0]++, 1, w.streamIndex(stream), start, chunk, 0, 0));
                        w.flush();
                        next[0] += chunk;
                    } else {
                        due = System.nanoTime();
                    }
                }
                due += chunkNanos;
                LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
            }
        }, "sine");
        appender.setDaemon(true);
        appender.start();
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] c = line.trim().split("\\s+", 3);
            synchronized (lock) {
                switch (c[0]) {
                    case "run" -> running[0] = true;
                    case "pause" -> running[0] = false;
                    case "reject" -> ended(w, row -> row(c[1], seq[0]++, REJECTED, -1, 0, 0, row[0], row[1]), c[2]);
                    case "cancel" -> ended(w, row -> row(c[1], seq[0]++, CANCELLED, -1, 0, 0, row[0], row[1]), c[2]);
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
            }
            System.out.println("ok");
            System.out.flush();
        }
        w.close();
    }

    /** Appends {@code message} to the heap and the row {@code row} makes of its offset and length; flushes both. */
    private static void ended(SwmrWriter w, java.util.function.Function<long[], TaskRow> row, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        long offset = w.appendHeap(bytes);
        w.appendRow(row.apply(new long[] {offset, bytes.length}));
        w.flush();
    }

    private static TaskRow row(String taskId, long seq, int status, int stream, long start, long count, long out, long outLength) {
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        return new TaskRow(taskId, "sine-session", seq + 1, "append", status, 1, 0, seq, now, now, now, out, outLength,
                stream, start, count);
    }
}
