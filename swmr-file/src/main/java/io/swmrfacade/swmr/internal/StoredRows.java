package io.swmrfacade.swmr.internal;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.swmr.SwmrWriter.RowLocation;
import io.swmrfacade.swmr.SwmrWriter.RowVisitor;
import io.swmrfacade.swmr.TaskRow;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * Reads back what a writer has stored: every row in file order (a restarted node rebuilding what
 * it applied), one row, heap bytes, and the row of one task id, found by reading only the id
 * column so that a node need not keep every id it ever applied in memory.
 *
 * <p>Each read works on an open dataset handle (the writer's current segment) or, through
 * {@link #inSegment}, on an older segment opened read-only for the one call. Not thread-safe: the
 * writer's thread uses it.
 */
public final class StoredRows implements AutoCloseable {

    /** Rows read per HDF5 call by scans and lookups. */
    private static final long BATCH = 4096;

    private final long rowType;
    private final long idType;

    /** {@code rowType} stays the caller's to close; the id-column type is this object's. */
    public StoredRows(long rowType) {
        this.rowType = rowType;
        this.idType = RowCodec.createIdType();
    }

    /** Visits every row of the task dataset {@code tasks} of segment {@code segment}, in order. */
    public void visit(long tasks, int segment, Path path, RowVisitor visitor) {
        long n = H5Ops.length(tasks);
        for (long start = 0; start < n; start += BATCH) {
            long count = Math.min(BATCH, n - start);
            ByteBuffer b = ByteBuffer.wrap(H5Ops.readAt(tasks, rowType, start, count, RowCodec.ROW_SIZE));
            for (long r = 0; r < count; r++) {
                visitor.visit(new RowLocation(segment, path, start + r), RowCodec.decode(b));
            }
        }
    }

    /** Reads row {@code row} of the task dataset {@code tasks}. */
    public TaskRow read(long tasks, long row) {
        return RowCodec.decode(ByteBuffer.wrap(H5Ops.readAt(tasks, rowType, row, 1, RowCodec.ROW_SIZE)));
    }

    /**
     * Looks for {@code taskId} among rows {@code first} to {@code first + count - 1} of the task
     * dataset {@code tasks}, reading only the task-id column (36 bytes a row), {@value #BATCH}
     * rows at a time.
     *
     * @return the row holding it, or -1
     */
    public long findTaskId(long tasks, long first, long count, String taskId) {
        byte[] want = RowCodec.idBytes(taskId);
        int len = RowCodec.ID_LEN;
        for (long start = first; start < first + count; start += BATCH) {
            long n = Math.min(BATCH, first + count - start);
            byte[] ids = H5Ops.readAt(tasks, idType, start, n, len);
            for (int r = 0; r < n; r++) {
                if (Arrays.equals(ids, r * len, (r + 1) * len, want, 0, len)) {
                    return start + r;
                }
            }
        }
        return -1L;
    }

    /** Reads {@code length} bytes at {@code offset} of the heap dataset {@code heap}. */
    public static byte[] heapBytes(long heap, long offset, long length) {
        return H5Ops.readAt(heap, HDF5Constants.H5T_NATIVE_UINT8, offset, length, 1);
    }

    /**
     * Opens the segment file {@code path} read-only, runs {@code read} on its dataset
     * {@code dataset} and closes both.
     *
     * @throws io.swmrfacade.swmr.SwmrFileException if the segment cannot be opened
     */
    public static <T> T inSegment(Path path, String dataset, LongFunction<T> read) {
        long f = SegmentFile.openForSwmrRead(path);
        try {
            long ds = H5.H5Dopen(f, dataset, HDF5Constants.H5P_DEFAULT);
            try {
                return read.apply(ds);
            } finally {
                H5.H5Dclose(ds);
            }
        } finally {
            H5.H5Fclose(f);
        }
    }

    @Override
    public void close() {
        H5.H5Tclose(idType);
    }
}
