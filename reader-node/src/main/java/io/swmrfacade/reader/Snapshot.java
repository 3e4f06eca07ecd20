package io.swmrfacade.reader;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a reader node has seen of its file at one instant. Immutable.
 *
 * @param file          the followed file (segment 0)
 * @param at            when this snapshot was taken, by the node's clock
 * @param segment       the segment now followed, -1 before the file is open
 * @param segmentFile   the file of that segment, or null before the file is open
 * @param totalRows     task rows in all segments so far
 * @param tasks         those rows by status
 * @param streams       every stream of the current segment, in file order, with samples across all segments
 * @param lastChange    when rows or samples last changed (or the file was opened); null before that
 * @param rowsPerSecond rows seen per second over about the last second
 * @param error         the one-line reason the node stopped following, when {@code state} is FAILED; else null
 */
public record Snapshot(ReaderId readerId, Path file, State state, Instant at, int segment, Path segmentFile,
                       long totalRows, TaskCounts tasks, List<Stream> streams, Instant lastChange,
                       double rowsPerSecond, String error) {

    /** Where the node is in its life. */
    public enum State {
        /** The file does not exist yet. */
        WAITING,
        /** The file is open and being polled. */
        FOLLOWING,
        /** The node stopped on an error; see {@link Snapshot#error()}. */
        FAILED,
        /** The node was closed. */
        STOPPED
    }

    /** Task rows by the protobuf {@code TaskStatus} they hold; {@code other} counts any number not listed. */
    public record TaskCounts(long ok, long failed, long rejected, long workerCrashed, long expired, long cancelled, long other) {

        public static final TaskCounts NONE = new TaskCounts(0, 0, 0, 0, 0, 0, 0);

        public long total() {
            return ok + failed + rejected + workerCrashed + expired + cancelled + other;
        }

        /** Rows that did not end OK. */
        public long notOk() {
            return total() - ok;
        }

        public TaskCounts minus(TaskCounts earlier) {
            return new TaskCounts(ok - earlier.ok, failed - earlier.failed, rejected - earlier.rejected,
                    workerCrashed - earlier.workerCrashed, expired - earlier.expired, cancelled - earlier.cancelled,
                    other - earlier.other);
        }
    }

    /** A sample stream: its HDF5 path, element type (float32, float64, int32, int64) and sample count. */
    public record Stream(String path, String dtype, long samples) {
    }

    public Snapshot {
        Objects.requireNonNull(readerId, "readerId");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(tasks, "tasks");
        streams = List.copyOf(streams);
    }

    /** The stream at {@code path}, or null. */
    public Stream stream(String path) {
        for (Stream s : streams) {
            if (s.path().equals(path)) {
                return s;
            }
        }
        return null;
    }
}
