package io.swmrfacade.reader.internal;

import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.Snapshot;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console lines of a reader, in the manner of seed 000's readers but with numbers: one line
 * per reported change with what is new since the previous line, e.g.
 *
 * <pre>
 * [reader-1] 12:30:15.123 segment 1: 240 tasks (+12: 11 ok, 1 failed), /live_survey/MT001/run_001/Ex 1,572,864 samples (+65,536)
 * </pre>
 *
 * <p>Not thread-safe: called from the follow thread only.
 */
final class ConsoleReport {

    private final PrintStream out;
    private final ReaderId id;
    private final DateTimeFormatter time;
    private Snapshot previous;

    ConsoleReport(PrintStream out, ReaderId id, Clock clock) {
        this.out = out;
        this.id = id;
        this.time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(clock.getZone());
    }

    void waiting(Instant at, String file, long timeoutMs) {
        say(at, "waiting for " + file + " (up to " + String.format(Locale.US, "%,d", timeoutMs) + " ms)");
    }

    void opened(Snapshot s) {
        say(s.at(), "following " + s.file() + " from segment " + s.segment());
    }

    void movedTo(Snapshot s) {
        say(s.at(), "moved to segment " + s.segment() + " (" + s.segmentFile() + ")");
    }

    void changed(Snapshot s) {
        out.println(prefix(s.at()) + describe(previous, s));
        previous = s;
    }

    void failed(Instant at, String message) {
        say(at, "ERROR " + message);
    }

    void stopped(Instant at) {
        say(at, "stopped");
    }

    private void say(Instant at, String text) {
        out.println(prefix(at) + text);
    }

    private String prefix(Instant at) {
        return "[" + id + "] " + time.format(at) + " ";
    }

    /** The body of a change line: {@code current} with deltas against {@code previous} (null: against nothing). */
    static String describe(Snapshot previous, Snapshot current) {
        Snapshot.TaskCounts before = previous == null ? Snapshot.TaskCounts.NONE : previous.tasks();
        long rowsBefore = previous == null ? 0 : previous.totalRows();
        StringBuilder b = new StringBuilder("segment ").append(current.segment()).append(": ")
                .append(number(current.totalRows())).append(" tasks");
        long newRows = current.totalRows() - rowsBefore;
        if (newRows != 0) {
            b.append(" (").append(signed(newRows));
            String breakdown = breakdown(current.tasks().minus(before));
            if (!breakdown.isEmpty()) {
                b.append(": ").append(breakdown);
            }
            b.append(')');
        }
        for (Snapshot.Stream s : current.streams()) {
            Snapshot.Stream old = previous == null ? null : previous.stream(s.path());
            long delta = s.samples() - (old == null ? 0 : old.samples());
            b.append(", ").append(s.path()).append(' ').append(number(s.samples())).append(" samples");
            if (delta != 0) {
                b.append(" (").append(signed(delta)).append(')');
            }
        }
        return b.toString();
    }

    private static String breakdown(Snapshot.TaskCounts d) {
        List<String> parts = new ArrayList<>();
        add(parts, d.ok(), "ok");
        add(parts, d.failed(), "failed");
        add(parts, d.rejected(), "rejected");
        add(parts, d.workerCrashed(), "worker crashed");
        add(parts, d.expired(), "expired");
        add(parts, d.cancelled(), "cancelled");
        add(parts, d.other(), "other");
        return String.join(", ", parts);
    }

    private static void add(List<String> parts, long n, String label) {
        if (n != 0) {
            parts.add(number(n) + " " + label);
        }
    }

    private static String number(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    private static String signed(long n) {
        return String.format(Locale.US, "%+,d", n);
    }
}
