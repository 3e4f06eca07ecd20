package io.swmrfacade.swmr.internal;

import hdf.hdf5lib.H5;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the end of a task table that a writer left while appending rows when it died.
 *
 * <p>The table can then be extended over rows never written: fill values, with an empty task id,
 * which every written row has. Chunks reach the file in any order, so written rows may follow
 * them. Those written rows move up, in order, and the table is cut after them. None of these rows
 * had its result sent (results go out only after a flush completes), so moving them changes no
 * published row number; their tasks are answered from them when Kafka delivers them again.
 */
public final class UnwrittenRows {

    private static final Logger LOG = LoggerFactory.getLogger(UnwrittenRows.class);

    /** Rows at the end of the task table searched: far more than one flush appends. */
    private static final int WINDOW = 100_000;

    private UnwrittenRows() {
    }

    /**
     * Drops unwritten rows at the end of the task dataset {@code tasks} of segment {@code file}
     * and flushes it.
     *
     * @return the rows the table holds afterwards; its length unchanged if nothing was dropped
     */
    public static long drop(long tasks, long rowType, Path file) {
        long n = H5Ops.length(tasks);
        long from = Math.max(0, n - WINDOW);
        if (n == from) {
            return n;
        }
        int size = RowCodec.ROW_SIZE;
        byte[] tail = H5Ops.readAt(tasks, rowType, from, n - from, size);
        int rows = (int) (n - from);
        int first = -1;
        for (int i = 0; i < rows && first < 0; i++) {
            if (tail[i * size] == 0) {
                first = i;
            }
        }
        if (first < 0) {
            return n;
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        int keptRows = 0;
        for (int i = first; i < rows; i++) {
            if (tail[i * size] != 0) {
                kept.write(tail, i * size, size);
                keptRows++;
            }
        }
        long start = from + first;
        if (keptRows > 0) {
            H5Ops.writeAt(tasks, rowType, start, keptRows, kept.toByteArray());
        }
        H5.H5Dset_extent(tasks, new long[] {start + keptRows});
        H5.H5Dflush(tasks);
        LOG.warn("[{}] dropped {} task rows a crash left unwritten (kept {} written after them)", file,
                n - start - keptRows, keptRows);
        return start + keptRows;
    }
}
