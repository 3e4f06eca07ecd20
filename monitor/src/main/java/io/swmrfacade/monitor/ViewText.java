package io.swmrfacade.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** An {@link InstallationView} as console lines or as JSON. Stateless and thread-safe. */
public final class ViewText {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private ViewText() {
    }

    /** One JSON object on one line. */
    public static String json(InstallationView v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the view as JSON: " + e.getMessage(), e);
        }
    }

    /** A JSON array of views on one line. */
    public static String json(List<InstallationView> views) {
        try {
            return JSON.writeValueAsString(views);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the views as JSON: " + e.getMessage(), e);
        }
    }

    /** The view as console lines, widest first: status, writers, partitions, readers, tasks, dead letters. */
    public static List<String> lines(InstallationView v) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "swmr-facade %s on %s (group %s) at %s UTC: %s", v.topicPrefix(), v.bootstrap(),
                v.writerGroup(), TIME.format(micros(v.atUs())), v.healthy() ? "HEALTHY" : "NOT HEALTHY"));
        v.problems().forEach(p -> out.add("  ! " + p));
        out.add(String.format(Locale.ROOT, "writers %d   %-24s %-8s %-18s %8s %5s %7s %-12s %s", v.writers().size(),
                "id", "state", "host", "tasks/s", "open", "lag", "last flush", "file / partitions"));
        for (WriterView w : v.writers()) {
            out.add(String.format(Locale.ROOT, "          %-24s %-8s %-18s %8.1f %5d %7d %-12s %s [%s]", w.id(), w.state(),
                    host(w.host(), w.address()), w.tasksPerSecond(), w.tasksOpen(), w.lag(),
                    w.lastFlushUs() == 0 ? "-" : TIME.format(micros(w.lastFlushUs())), w.file(),
                    w.partitions().stream().map(p -> p.partition() + ":" + p.lag()).collect(Collectors.joining(" "))));
        }
        out.add("partitions " + v.partitions().stream()
                .map(p -> p.partition() + "=" + (p.owner().isEmpty() ? "NONE" : p.owner()) + "/lag " + p.lag())
                .collect(Collectors.joining(", ")));
        out.add("readers " + v.readers().size());
        for (ReaderView r : v.readers()) {
            out.add(String.format(Locale.ROOT, "          %-24s %-18s segment %d, %d rows (%d ok, %d not ok), %d streams, %s; updated %d s ago",
                    r.id(), r.host(), r.segment(), r.taskRows(), r.tasksOk(), r.tasksFailed(), r.streams().size(), r.file(),
                    r.lastSeenMsAgo() / 1000));
        }
        out.add("tasks " + v.tasks() + " " + v.tasksByState().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        out.add("dead letters " + v.deadLetters());
        for (DeadLetterView d : v.recentDeadLetters()) {
            out.add(String.format(Locale.ROOT, "          %s %s/%d@%d task %s by %s: %s", TIME.format(micros(d.atUs())),
                    d.sourceTopic(), d.sourcePartition(), d.sourceOffset(), d.taskId().isEmpty() ? "?" : d.taskId(),
                    d.workerId(), d.reason()));
        }
        return out;
    }

    private static String host(String host, String address) {
        return address.isEmpty() || address.equals(host) ? host : host + "/" + address;
    }

    private static Instant micros(long us) {
        return Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1_000);
    }
}
