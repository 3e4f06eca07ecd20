package io.swmrfacade.reader;

import io.swmrfacade.swmr.SampleType;
import io.swmrfacade.swmr.StreamSpec;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A writer in a child JVM, driven line by line from stdin, because one process cannot hold a
 * file both as SWMR writer and SWMR reader. Opening recovers an existing file, so a second run
 * on the same path after {@code kill -9} continues it. Prints {@code READY rows=<stored rows>}
 * once open, then one {@code ok} per command once its data is flushed:
 *
 * <pre>
 * rows OK FAILED            append OK rows with status OK, then FAILED rows with status FAILED
 * stream PATH DTYPE         ensure a stream (a new one rolls over to a new segment)
 * samples PATH N ROWS       ROWS times: append N samples to PATH and one OK row pointing at them
 * spin PATH N               like samples, forever; prints "spinning" after the first flush
 * orphan PATH N             append and flush N samples that no row references (as a crash between
 *                           flushing samples and flushing their row leaves them)
 * </pre>
 */
public final class ScriptedWriterMain {

    private ScriptedWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        SwmrWriter w = SwmrWriter.open(Path.of(args[0]), "scripted-writer", Clock.systemUTC());
        long[] next = {0};
        w.scanRows((loc, row) -> next[0]++);
        System.out.println("READY rows=" + next[0]);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] c = line.trim().split("\\s+");
            switch (c[0]) {
                case "rows" -> {
                    int ok = Integer.parseInt(c[1]);
                    int failed = Integer.parseInt(c[2]);
                    for (int i = 0; i < ok + failed; i++) {
                        w.appendRow(row(next[0]++, i < ok ? 1 : 2, -1, 0, 0));
                    }
                    w.flush();
                }
                case "stream" -> w.ensureStream(new StreamSpec(c[1], SampleType.parse(c[2]), "mV/km", 256, 0));
                case "samples" -> {
                    for (int i = 0; i < Integer.parseInt(c[3]); i++) {
                        appendSamples(w, c[1], Integer.parseInt(c[2]), next[0]++);
                    }
                }
                case "spin" -> {
                    for (long i = 0; ; i++) {
                        appendSamples(w, c[1], Integer.parseInt(c[2]), next[0]++);
                        if (i == 0) {
                            System.out.println("spinning");
                            System.out.flush();
                        }
                    }
                }
                case "orphan" -> {
                    w.appendSamples(c[1], new byte[Integer.parseInt(c[2]) * w.stream(c[1]).type().size()]);
                    w.flush();
                }
                default -> throw new IllegalArgumentException("unknown command: " + line);
            }
            System.out.println("ok segment=" + w.segment());
            System.out.flush();
        }
        w.close();
    }

    private static void appendSamples(SwmrWriter w, String path, int n, long seq) {
        byte[] samples = new byte[n * w.stream(path).type().size()];
        long start = w.appendSamples(path, samples);
        w.appendRow(row(seq, 1, w.streamIndex(path), start, n));
        w.flush();
    }

    private static TaskRow row(long seq, int status, int stream, long start, long count) {
        return new TaskRow("t-" + seq, "session-1", seq + 1, "append", status, 1, 0, seq, 0, 0, 0, 0, 0, stream, start, count);
    }
}
