package io.swmrfacade.reader.internal;

import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.Snapshot;
import io.swmrfacade.swmr.SwmrFollower;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accumulates what the follower reports (rows by status, samples per stream, the segment) and
 * turns it into {@link Snapshot}s.
 *
 * <p>Not thread-safe: owned by the follow thread.
 */
final class FileTracker {

    /** What one poll changed. */
    enum Change { NONE, DATA, SEGMENT }

    private static final long RATE_WINDOW_MS = 1000;

    // Index = protobuf TaskStatus number (1 OK .. 5 EXPIRED, 6 NOT_SENT, 7 CANCELLED); slot 0 counts
    // anything else. NOT_SENT is a client's verdict and never in a file: counted as other.
    private static final int NOT_SENT = 6;
    private static final int CANCELLED = 7;
    private final long[] byStatus = new long[8];
    private final RateMeter rate = new RateMeter(RATE_WINDOW_MS);
    private int segment = -1;
    private Path segmentFile;
    private long totalRows;
    private Map<String, SwmrFollower.StreamState> streams = Map.of();
    private Instant lastChange;

    Change apply(SwmrFollower.Update update, Instant now) {
        boolean moved = update.segment() != segment;
        boolean changed = moved || !update.newRows().isEmpty() || !samplesEqual(update.streams());
        for (SwmrFollower.Row r : update.newRows()) {
            int status = r.row().status();
            byStatus[status >= 1 && status < byStatus.length ? status : 0]++;
        }
        segment = update.segment();
        segmentFile = update.file();
        totalRows = update.totalRows();
        streams = update.streams();
        if (changed) {
            lastChange = now;
        }
        rate.record(now.toEpochMilli(), totalRows);
        return moved ? Change.SEGMENT : changed ? Change.DATA : Change.NONE;
    }

    private boolean samplesEqual(Map<String, SwmrFollower.StreamState> fresh) {
        if (fresh.size() != streams.size()) {
            return false;
        }
        for (SwmrFollower.StreamState s : fresh.values()) {
            SwmrFollower.StreamState old = streams.get(s.path());
            if (old == null || old.samples() != s.samples()) {
                return false;
            }
        }
        return true;
    }

    int segment() {
        return segment;
    }

    Path segmentFile() {
        return segmentFile;
    }

    Snapshot snapshot(ReaderId id, Path file, Snapshot.State state, Instant now, String error) {
        List<Snapshot.Stream> out = new ArrayList<>(streams.size());
        streams.values().forEach(s -> out.add(new Snapshot.Stream(s.path(), s.type().wireName(), s.samples())));
        Snapshot.TaskCounts counts = new Snapshot.TaskCounts(byStatus[1], byStatus[2], byStatus[3], byStatus[4],
                byStatus[5], byStatus[CANCELLED], byStatus[0] + byStatus[NOT_SENT]);
        return new Snapshot(id, file, state, now, segment, segmentFile, totalRows, counts, out, lastChange,
                rate.perSecond(now.toEpochMilli(), totalRows), error);
    }
}
