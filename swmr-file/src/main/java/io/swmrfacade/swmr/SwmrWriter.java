package io.swmrfacade.swmr;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.swmr.internal.H5Ops;
import io.swmrfacade.swmr.internal.RowCodec;
import io.swmrfacade.swmr.internal.SegmentFile;
import io.swmrfacade.swmr.internal.StagedBytes;
import io.swmrfacade.swmr.internal.StoredRows;
import io.swmrfacade.swmr.internal.UnwrittenRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of a segmented SWMR file.
 *
 * <p>Heap bytes and task rows are staged in memory; samples are written through to their
 * stream's dataset at once ({@link #appendSamples}). {@link #flush()} writes the staged heap,
 * flushes the heap and the streams, and writes and flushes the task rows last: a reader that
 * sees a row can trust that everything it points at is already there, so readers never see a
 * torn task (samples with no row yet are not part of any task a reader reports).
 *
 * <p>Opening an existing file recovers it: the last segment is reopened (its status flags
 * cleared if a writer died with it open) and every row of every segment can be scanned with
 * {@link #scanRows}, so a restarted node knows what it already applied.
 *
 * <p>Not thread-safe: one thread owns a writer. HDF5 calls are globally serialised by the library.
 */
public final class SwmrWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SwmrWriter.class);

    /** Where a row lives. */
    public record RowLocation(int segment, Path file, long row) {
    }

    /** Receives stored rows in file order. */
    @FunctionalInterface
    public interface RowVisitor {
        void visit(RowLocation location, TaskRow row);
    }

    private final SegmentPaths paths;
    private final WriterLock lock;
    private final String writerId;
    private final Clock clock;
    private final long rowType;
    private final StoredRows storedRows;

    private int segment;
    private long file = -1;
    private long tasks;
    private long heap;
    private final Map<String, OpenStream> streams = new LinkedHashMap<>();

    private long rowsInFile;
    /** Read by other threads (a node's heartbeat), so volatile; written by the writing thread only. */
    private volatile long lastRowFlushUs;
    private long heapInFile;
    private final StagedBytes staged = new StagedBytes();

    private record OpenStream(StreamSpec spec, int index, long dataset) {
    }

    private SwmrWriter(SegmentPaths paths, WriterLock lock, String writerId, Clock clock) {
        this.paths = paths;
        this.lock = lock;
        this.writerId = writerId;
        this.clock = clock;
        this.rowType = RowCodec.createType();
        this.storedRows = new StoredRows(rowType);
    }

    /**
     * Opens the file at {@code base} for writing, creating segment 0 if there is none, or
     * recovering the last segment if there is.
     *
     * @throws SwmrFileException if the file is not a swmr-facade file, is corrupt, cannot be written,
     *     or another live process writes it
     */
    public static SwmrWriter open(Path base, String writerId, Clock clock) {
        Hdf5Library.load();
        SegmentPaths paths = new SegmentPaths(base);
        try {
            Files.createDirectories(paths.base().getParent());
        } catch (java.io.IOException e) {
            throw new SwmrFileException("cannot create the folder of the file", paths.base(), e);
        }
        // A file refused below leaves no lock file behind: close() deletes it.
        WriterLock lock = WriterLock.acquire(paths.base());
        SwmrWriter writer;
        try {
            writer = new SwmrWriter(paths, lock, writerId, clock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            int last = paths.lastExisting();
            if (last < 0) {
                writer.createAndOpen(0, List.of());
            } else {
                writer.recover(last);
            }
            return writer;
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private void recover(int last) {
        Path path = paths.segment(last);
        long f = SegmentFile.openForSwmrWrite(path);
        try {
            SegmentFile.checkFormat(f, path);
        } catch (RuntimeException e) {
            H5.H5Fclose(f);
            throw e;
        }
        attach(last, f);
        rowsInFile = UnwrittenRows.drop(tasks, rowType, path);
        trimOrphans();
        LOG.info("[{}] reopened segment {} with {} rows, {} streams", path, last, rowsInFile, streams.size());
    }

    /**
     * A writer that died between flushing samples (or heap bytes) and flushing the rows that
     * point at them leaves data no row owns; the task will be redone, so that data would be a
     * duplicate. Cut every stream and the heap back to what the stored rows reference.
     */
    private void trimOrphans() {
        long[] streamEnds = new long[streams.size()];
        long[] heapEnd = {0};
        storedRows.visit(tasks, segment, currentFile(), (loc, r) -> {
            if (r.streamIndex() >= 0 && r.streamIndex() < streamEnds.length) {
                streamEnds[r.streamIndex()] = Math.max(streamEnds[r.streamIndex()], r.streamStart() + r.streamCount());
            }
            heapEnd[0] = Math.max(heapEnd[0], r.outputOffset() + r.outputLength());
        });
        for (OpenStream s : streams.values()) {
            long length = H5Ops.length(s.dataset());
            if (length > streamEnds[s.index()]) {
                LOG.warn("[{}] dropping {} samples of {} that no row references (written just before a crash)",
                        currentFile(), length - streamEnds[s.index()], s.spec().path());
                H5.H5Dset_extent(s.dataset(), new long[] {streamEnds[s.index()]});
                H5.H5Dflush(s.dataset());
            }
        }
        if (heapInFile > heapEnd[0]) {
            H5.H5Dset_extent(heap, new long[] {heapEnd[0]});
            H5.H5Dflush(heap);
            heapInFile = heapEnd[0];
        }
    }

    /**
     * Creates a segment under a temporary name and moves it into place only once SWMR writing
     * is on, so a follower never opens a segment that is half made or not yet SWMR.
     */
    private void createAndOpen(int index, List<StreamSpec> specs) {
        Path path = paths.segment(index);
        Path temporary = path.resolveSibling(path.getFileName() + ".creating");
        try {
            Files.deleteIfExists(temporary);
        } catch (java.io.IOException e) {
            throw new SwmrFileException("cannot remove a half-made segment", temporary, e);
        }
        SegmentFile.create(temporary, index, writerId, micros(), specs);
        long f = SegmentFile.openForSwmrWrite(temporary);
        try {
            Files.move(temporary, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            H5.H5Fclose(f);
            throw new SwmrFileException("cannot move new segment into place", path, e);
        }
        attach(index, f);
        LOG.info("[{}] created segment {} with streams {}", path, index, specs.stream().map(StreamSpec::path).toList());
    }

    private void attach(int index, long f) {
        this.segment = index;
        this.file = f;
        this.tasks = H5.H5Dopen(f, FileLayout.TASKS, HDF5Constants.H5P_DEFAULT);
        this.heap = H5.H5Dopen(f, FileLayout.HEAP, HDF5Constants.H5P_DEFAULT);
        this.rowsInFile = H5Ops.length(tasks);
        this.heapInFile = H5Ops.length(heap);
        List<StreamSpec> specs = SegmentFile.readStreams(f);
        for (int i = 0; i < specs.size(); i++) {
            StreamSpec s = specs.get(i);
            streams.put(s.path(), new OpenStream(s, i, H5.H5Dopen(f, s.path(), HDF5Constants.H5P_DEFAULT)));
        }
    }

    /** The segment now written. */
    public Path currentFile() {
        return paths.segment(segment);
    }

    public int segment() {
        return segment;
    }

    /** Rows in the current segment, flushed or not. */
    public long rowCount() {
        return rowsInFile + staged.rowCount();
    }

    /** The spec of a stream of the current segment, or null. */
    public StreamSpec stream(String path) {
        OpenStream s = streams.get(path);
        return s == null ? null : s.spec();
    }

    /**
     * Makes sure {@code spec}'s stream exists. A new stream needs a new layout, so this flushes
     * and rolls over to a new segment that holds every stream so far plus the new one.
     *
     * @throws IllegalArgumentException if the stream exists with another element type
     */
    public void ensureStream(StreamSpec spec) {
        OpenStream existing = streams.get(spec.path());
        if (existing != null) {
            if (existing.spec().type() != spec.type()) {
                throw new IllegalArgumentException("stream " + spec.path() + " holds " + existing.spec().type().wireName()
                        + ", not " + spec.type().wireName());
            }
            return;
        }
        List<StreamSpec> specs = new ArrayList<>();
        streams.values().forEach(s -> specs.add(s.spec()));
        specs.add(spec);
        flush();
        int next = segment + 1;
        closeFile();
        createAndOpen(next, specs);
    }

    /**
     * Writes little-endian samples to a stream of the current segment now (they are not staged);
     * the row that points at them is, and {@link #flush()} publishes both. Returns the index of
     * the first sample in this segment.
     */
    public long appendSamples(String path, byte[] samples) {
        OpenStream s = streams.get(path);
        if (s == null) {
            throw new IllegalStateException("stream " + path + " is not in segment " + segment + ": call ensureStream first");
        }
        int size = s.spec().type().size();
        if (samples.length % size != 0) {
            throw new IllegalArgumentException(samples.length + " bytes are not a whole number of " + s.spec().type().wireName() + " samples");
        }
        return H5Ops.append(s.dataset(), s.spec().type().hdf5Type(), samples.length / size, samples);
    }

    /** The index into {@code /sf/streams} of a stream of the current segment, or -1. */
    public int streamIndex(String path) {
        OpenStream s = streams.get(path);
        return s == null ? -1 : s.index();
    }

    /** Stages bytes on the heap; returns their offset. Visible after {@link #flush()}. */
    public long appendHeap(byte[] bytes) {
        return heapInFile + staged.stageHeap(bytes);
    }

    /** Stages a row; returns its index in the current segment. Visible after {@link #flush()}. */
    public long appendRow(TaskRow row) {
        return rowsInFile + staged.stageRow(row);
    }

    /**
     * Writes what is staged and flushes it so SWMR readers see it: heap and streams first, rows
     * last.
     */
    public void flush() {
        byte[] bytes = staged.takeHeap();
        if (bytes != null) {
            H5Ops.append(heap, HDF5Constants.H5T_NATIVE_UINT8, bytes.length, bytes);
            heapInFile += bytes.length;
        }
        H5.H5Dflush(heap);
        for (OpenStream s : streams.values()) {
            H5.H5Dflush(s.dataset());
        }
        int rowCount = staged.rowCount();
        byte[] rows = staged.takeRows();
        boolean newRows = rows != null;
        if (newRows) {
            H5Ops.append(tasks, rowType, rowCount, rows);
            rowsInFile += rowCount;
        }
        H5.H5Dflush(tasks);
        if (newRows) {
            lastRowFlushUs = micros();
        }
    }

    /**
     * When task rows were last flushed (readers can see them from then), in microseconds since the
     * epoch; 0 before the first. Any thread.
     */
    public long lastRowFlushUs() {
        return lastRowFlushUs;
    }

    /** Visits every stored row of every segment, oldest first. Flushes first. */
    public void scanRows(RowVisitor visitor) {
        flush();
        for (int i = 0; i <= segment; i++) {
            int seg = i;
            Path path = paths.segment(i);
            withTasks(seg, 0, ds -> {
                storedRows.visit(ds, seg, path, visitor);
                return null;
            });
        }
    }

    /**
     * Reads one row back, stored or staged (a staged row is flushed first), for example to
     * republish a recovered result.
     *
     * @throws SwmrFileException if the segment cannot be read
     */
    public TaskRow readRow(RowLocation at) {
        return withTasks(at.segment(), at.row() + 1, ds -> storedRows.read(ds, at.row()));
    }

    /**
     * Looks for {@code taskId} among rows {@code first} to {@code first + count - 1} of segment
     * {@code seg}, reading only the task-id column (36 bytes a row), 4096 rows at a time.
     *
     * @return the row holding it, or -1
     * @throws SwmrFileException if the segment cannot be read
     */
    public long findTaskId(int seg, long first, long count, String taskId) {
        return withTasks(seg, first + count, ds -> storedRows.findTaskId(ds, first, count, taskId));
    }

    /**
     * Runs {@code read} on the task dataset of segment {@code seg}: the open one for the current
     * segment (flushed first if rows below {@code rowsNeeded} are still staged), else the
     * segment's file opened read-only for the call.
     */
    private <T> T withTasks(int seg, long rowsNeeded, LongFunction<T> read) {
        if (seg == segment) {
            if (rowsNeeded > rowsInFile) {
                flush();
            }
            return read.apply(tasks);
        }
        return StoredRows.inSegment(paths.segment(seg), FileLayout.TASKS, read);
    }

    /** Reads stored heap bytes of segment {@code seg}, for example to republish a recovered result. */
    public byte[] readHeap(int seg, long offset, long length) {
        if (seg == segment) {
            flush();
            return StoredRows.heapBytes(heap, offset, length);
        }
        return StoredRows.inSegment(paths.segment(seg), FileLayout.HEAP, ds -> StoredRows.heapBytes(ds, offset, length));
    }

    private long micros() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private void closeFile() {
        if (file < 0) {
            return;
        }
        for (OpenStream s : streams.values()) {
            H5.H5Dclose(s.dataset());
        }
        streams.clear();
        H5.H5Dclose(heap);
        H5.H5Dclose(tasks);
        H5.H5Fclose(file);
        file = -1;
    }

    /** Flushes what is staged and closes the file cleanly (its status flags cleared). */
    @Override
    public void close() {
        try {
            if (file >= 0) {
                flush();
            }
        } finally {
            try {
                closeFile();
                storedRows.close();
                H5.H5Tclose(rowType);
            } finally {
                lock.close();
            }
        }
    }
}
