package io.swmrfacade.writer.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The committed position of a partition in full: every offset below {@code frontier} is done
 * except those in {@code open}. Kafka stores the lowest open offset as the committed offset and
 * the rest in the commit's metadata string, as {@code sf1;<frontier-base>;<delta>,<delta>...}
 * in base 36, each open offset relative to the one before it.
 *
 * @param base     the committed offset: the lowest open offset, or the frontier if none is open
 * @param frontier one past the highest offset accounted for
 * @param open     offsets in [base, frontier) not done yet, ascending
 */
record OpenOffsets(long base, long frontier, List<Long> open) {

    static final OpenOffsets NONE = new OpenOffsets(-1, -1, List.of());
    private static final String VERSION = "sf1";

    OpenOffsets {
        open = List.copyOf(open);
    }

    /** For logs: where the committed position stands, {@code the start} (nothing committed), {@code 70}, or {@code 15 (to 30, 3 open)}. */
    String describe() {
        if (this == NONE || base < 0) {
            return "the start";
        }
        return frontier == base ? Long.toString(base) : base + " (to " + frontier + ", " + open.size() + " open)";
    }

    /**
     * For logs: each partition of {@code committed} (null: nothing committed) with its position,
     * such as {@code [sf.tasks-0 from the start, sf.tasks-1 from 15 (to 30, 3 open)]}.
     */
    static String describe(Map<TopicPartition, OffsetAndMetadata> committed) {
        return committed.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::toString)))
                .map(e -> e.getKey() + " from " + (e.getValue() == null ? NONE
                        : decode(e.getValue().offset(), e.getValue().metadata())).describe())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** True if {@code offset} is known done. */
    boolean done(long offset) {
        return offset >= base && offset < frontier && java.util.Collections.binarySearch(open, offset) < 0;
    }

    static OffsetAndMetadata commit(long frontier, TreeSet<Long> open) {
        long base = open.isEmpty() ? frontier : open.first();
        StringBuilder meta = new StringBuilder(VERSION).append(';').append(Long.toString(frontier - base, 36)).append(';');
        long previous = base;
        boolean first = true;
        for (long o : open) {
            if (!first) {
                meta.append(',');
            }
            meta.append(Long.toString(o - previous, 36));
            previous = o;
            first = false;
        }
        return new OffsetAndMetadata(base, meta.toString());
    }

    /** Reads a committed offset; metadata this node did not write means nothing above the offset is known. */
    static OpenOffsets decode(long committed, String metadata) {
        String[] parts = metadata == null ? new String[0] : metadata.split(";", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            return new OpenOffsets(committed, committed, List.of());
        }
        try {
            long frontier = committed + Long.parseLong(parts[1], 36);
            TreeSet<Long> open = new TreeSet<>();
            long previous = committed;
            if (!parts[2].isEmpty()) {
                for (String d : parts[2].split(",")) {
                    previous += Long.parseLong(d, 36);
                    open.add(previous);
                }
            }
            return new OpenOffsets(committed, frontier, List.copyOf(open));
        } catch (NumberFormatException e) {
            return new OpenOffsets(committed, committed, List.of());
        }
    }
}
