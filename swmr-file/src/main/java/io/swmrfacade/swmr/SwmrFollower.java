package io.swmrfacade.swmr;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.swmr.internal.H5Ops;
import io.swmrfacade.swmr.internal.RowCodec;
import io.swmrfacade.swmr.internal.SegmentFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows a segmented SWMR file read-only: each {@link #poll()} refreshes the open segment,
 * returns the rows that appeared since the last poll, and moves on to the next segment when the
 * writer has rolled over. Any number of followers may run at once, in any processes.
 *
 * <p>Not thread-safe: one thread owns a follower.
 */
public final class SwmrFollower implements AutoCloseable {

    /** A stored row and where it is. */
    public record Row(int segment, long index, TaskRow row) {
    }

    /** A stream's element type and how many samples it holds across all segments seen. */
    public record StreamState(String path, SampleType type, long samples) {
    }

    /** What changed since the previous poll, and totals so far. */
    public record Update(int segment, Path file, List<Row> newRows, long totalRows, Map<String, StreamState> streams) {
    }

    private final SegmentPaths paths;
    private final long rowType;
    private int segment;
    private long file = -1;
    private long tasks;
    private final Map<String, Long> streamDatasets = new LinkedHashMap<>();
    private final Map<String, StreamSpec> streamSpecs = new LinkedHashMap<>();
    private final Map<String, Long> samplesInEarlierSegments = new LinkedHashMap<>();
    private long rowsRead;
    private long rowsInEarlierSegments;
    /** When opening the next segment first failed (nanoTime), or 0. */
    private long nextSegmentFailingSince;
    /** How long a segment that exists may fail to open before the follower gives up. */
    private static final java.time.Duration NEXT_SEGMENT_PATIENCE = java.time.Duration.ofSeconds(30);

    private SwmrFollower(SegmentPaths paths) {
        this.paths = paths;
        this.rowType = RowCodec.createType();
    }

    /**
     * Opens segment 0 of {@code base}, or returns null when the writer has not made it yet (the
     * caller retries with its own deadline).
     *
     * @throws SwmrFileException if the file exists but is not a swmr-facade file
     */
    public static SwmrFollower tryOpen(Path base) {
        Hdf5Library.load();
        SegmentPaths paths = new SegmentPaths(base);
        if (!Files.exists(paths.segment(0))) {
            return null;
        }
        SwmrFollower follower = new SwmrFollower(paths);
        try {
            follower.attach(0);
            return follower;
        } catch (RuntimeException e) {
            follower.close();
            throw e;
        }
    }

    /** An opened segment, not yet the one followed. */
    private record Opened(int index, long file, long tasks, Map<String, StreamSpec> specs, Map<String, Long> datasets) {
    }

    private void attach(int index) {
        install(open(index));
    }

    /** Opens segment {@code index}; on failure nothing stays open. */
    private Opened open(int index) {
        Path path = paths.segment(index);
        long f = SegmentFile.openForSwmrRead(path);
        long t = -1;
        Map<String, StreamSpec> specs = new LinkedHashMap<>();
        Map<String, Long> datasets = new LinkedHashMap<>();
        try {
            SegmentFile.checkFormat(f, path);
            t = H5.H5Dopen(f, FileLayout.TASKS, HDF5Constants.H5P_DEFAULT);
            for (StreamSpec s : SegmentFile.readStreams(f)) {
                specs.put(s.path(), s);
                datasets.put(s.path(), H5.H5Dopen(f, s.path(), HDF5Constants.H5P_DEFAULT));
            }
            return new Opened(index, f, t, specs, datasets);
        } catch (RuntimeException e) {
            datasets.values().forEach(H5::H5Dclose);
            if (t >= 0) {
                H5.H5Dclose(t);
            }
            H5.H5Fclose(f);
            throw e;
        }
    }

    private void install(Opened o) {
        this.file = o.file();
        this.tasks = o.tasks();
        this.streamSpecs.putAll(o.specs());
        this.streamDatasets.putAll(o.datasets());
        this.segment = o.index();
        this.rowsRead = 0;
    }

    public Path currentFile() {
        return paths.segment(segment);
    }

    /** Refreshes and returns what is new. Moves to later segments when they exist. */
    public Update poll() {
        List<Row> fresh = new ArrayList<>();
        readNewRows(fresh);
        while (Files.exists(paths.segment(segment + 1))) {
            // The writer flushed and closed this segment before it created the next: drain, then move on.
            readNewRows(fresh);
            Opened next;
            try {
                next = open(segment + 1);
                nextSegmentFailingSince = 0;
            } catch (SwmrFileException e) {
                // Just made, it may not open yet (HDF5 says "truncated" while the writer still
                // extends it): stay on this segment and try again at the next poll, for a while.
                long now = System.nanoTime();
                if (nextSegmentFailingSince == 0) {
                    nextSegmentFailingSince = now;
                } else if (now - nextSegmentFailingSince > NEXT_SEGMENT_PATIENCE.toNanos()) {
                    throw e;
                }
                break;
            }
            Map<String, StreamState> totals = streamTotals();
            rowsInEarlierSegments += rowsRead;
            detach();
            samplesInEarlierSegments.clear();
            totals.forEach((p, s) -> samplesInEarlierSegments.put(p, s.samples()));
            install(next);
            readNewRows(fresh);
        }
        return new Update(segment, currentFile(), fresh, rowsInEarlierSegments + rowsRead, streamTotals());
    }

    private void readNewRows(List<Row> out) {
        H5.H5Drefresh(tasks);
        long n = H5Ops.length(tasks);
        if (n > rowsRead) {
            ByteBuffer b = ByteBuffer.wrap(H5Ops.readAt(tasks, rowType, rowsRead, n - rowsRead, RowCodec.ROW_SIZE));
            long i = rowsRead;
            for (; i < n; i++) {
                TaskRow row = RowCodec.decode(b);
                if (row.taskId().isEmpty()) {
                    // The table's new extent reached the file before the row itself (every written
                    // row has a task id): read it, and what follows, on a later poll.
                    break;
                }
                out.add(new Row(segment, i, row));
            }
            rowsRead = i;
        }
    }

    private Map<String, StreamState> streamTotals() {
        Map<String, StreamState> out = new LinkedHashMap<>();
        streamDatasets.forEach((path, ds) -> {
            H5.H5Drefresh(ds);
            long here = H5Ops.length(ds);
            out.put(path, new StreamState(path, streamSpecs.get(path).type(), here + samplesInEarlierSegments.getOrDefault(path, 0L)));
        });
        return out;
    }

    /** Reads samples of a stream of the current segment (little-endian bytes). */
    public byte[] readSamples(String path, long start, long count) {
        Long ds = streamDatasets.get(path);
        if (ds == null) {
            throw new IllegalArgumentException("no stream " + path + " in segment " + segment);
        }
        StreamSpec spec = streamSpecs.get(path);
        return H5Ops.readAt(ds, spec.type().hdf5Type(), start, count, spec.type().size());
    }

    /** The spec (type, units, sample rate) of a stream of the current segment, or null. */
    public StreamSpec spec(String path) {
        return streamSpecs.get(path);
    }

    /** How many samples a stream holds in the current segment as of the last {@link #poll()}; 0 if absent. */
    public long samplesInSegment(String path) {
        Long ds = streamDatasets.get(path);
        return ds == null ? 0 : H5Ops.length(ds);
    }

    /** Reads {@code length} bytes of the current segment's heap from {@code offset} (a row's output or error text). */
    public byte[] readHeap(long offset, long length) {
        long ds = H5.H5Dopen(file, FileLayout.HEAP, HDF5Constants.H5P_DEFAULT);
        try {
            H5.H5Drefresh(ds);
            return H5Ops.readAt(ds, HDF5Constants.H5T_NATIVE_UINT8, offset, length, 1);
        } finally {
            H5.H5Dclose(ds);
        }
    }

    /**
     * Reads every sample of a stream, from segment 0 to the current one, as little-endian
     * bytes: the stream as the writer appended it across rollovers.
     */
    public byte[] readSamplesAcrossSegments(String path) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < segment; i++) {
            long f = SegmentFile.openForSwmrRead(paths.segment(i));
            try {
                for (StreamSpec s : SegmentFile.readStreams(f)) {
                    if (s.path().equals(path)) {
                        long ds = H5.H5Dopen(f, path, HDF5Constants.H5P_DEFAULT);
                        try {
                            out.writeBytes(H5Ops.readAt(ds, s.type().hdf5Type(), 0, H5Ops.length(ds), s.type().size()));
                        } finally {
                            H5.H5Dclose(ds);
                        }
                    }
                }
            } finally {
                H5.H5Fclose(f);
            }
        }
        Long ds = streamDatasets.get(path);
        if (ds != null) {
            H5.H5Drefresh(ds);
            out.writeBytes(readSamples(path, 0, H5Ops.length(ds)));
        }
        return out.toByteArray();
    }

    private void detach() {
        streamDatasets.values().forEach(H5::H5Dclose);
        streamDatasets.clear();
        streamSpecs.clear();
        if (file >= 0) {
            H5.H5Dclose(tasks);
            H5.H5Fclose(file);
            file = -1;
        }
    }

    @Override
    public void close() {
        detach();
        H5.H5Tclose(rowType);
    }
}
