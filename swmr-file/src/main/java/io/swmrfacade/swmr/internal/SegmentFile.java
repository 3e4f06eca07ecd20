package io.swmrfacade.swmr.internal;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import hdf.hdf5lib.exceptions.HDF5Exception;
import io.swmrfacade.swmr.FileLayout;
import io.swmrfacade.swmr.StreamSpec;
import io.swmrfacade.swmr.SwmrFileException;
import java.nio.file.Path;
import java.util.List;

/** Opens, creates and recovers one segment file. */
public final class SegmentFile {

    private SegmentFile() {
    }

    /**
     * Creates a segment with its whole layout, then closes it; the caller reopens it for SWMR
     * writing. Objects cannot be created once SWMR writing is on, so everything a segment will
     * ever hold is created here.
     */
    public static void create(Path path, int segment, String writerId, long createdUs, List<StreamSpec> streams) {
        long fapl = H5Ops.v110Fapl();
        long file;
        try {
            file = H5.H5Fcreate(path.toString(), HDF5Constants.H5F_ACC_EXCL, HDF5Constants.H5P_DEFAULT, fapl);
        } catch (HDF5Exception e) {
            throw new SwmrFileException("cannot create segment", path, e);
        } finally {
            H5.H5Pclose(fapl);
        }
        try {
            H5Ops.writeStringAttr(file, FileLayout.ATTR_FORMAT, FileLayout.FORMAT);
            H5Ops.writeLongAttr(file, FileLayout.ATTR_SEGMENT, segment);
            H5Ops.writeStringAttr(file, FileLayout.ATTR_WRITER, writerId);
            H5Ops.writeLongAttr(file, FileLayout.ATTR_CREATED, createdUs);
            long rowType = RowCodec.createType();
            long streamType = StreamTableCodec.createType();
            try {
                H5Ops.createAppendable(file, FileLayout.TASKS, rowType, FileLayout.taskChunkRows());
                H5Ops.createAppendable(file, FileLayout.HEAP, HDF5Constants.H5T_STD_U8LE, FileLayout.heapChunkBytes());
                H5Ops.createFixed(file, FileLayout.STREAMS, streamType, streams.size(), StreamTableCodec.encode(streams));
            } finally {
                H5.H5Tclose(streamType);
                H5.H5Tclose(rowType);
            }
            for (StreamSpec s : streams) {
                H5Ops.createAppendable(file, s.path(), s.type().hdf5Type(), FileLayout.streamChunkSamples());
                long ds = H5.H5Dopen(file, s.path(), HDF5Constants.H5P_DEFAULT);
                try {
                    H5Ops.writeStringAttr(ds, FileLayout.ATTR_UNITS, s.units());
                    H5Ops.writeDoubleAttr(ds, FileLayout.ATTR_SAMPLE_RATE, s.sampleRateHz());
                    H5Ops.writeLongAttr(ds, FileLayout.ATTR_START_TIME, s.startTimeUs());
                } finally {
                    H5.H5Dclose(ds);
                }
            }
        } finally {
            H5.H5Fclose(file);
        }
    }

    /**
     * Opens an existing segment for SWMR writing. If a writer died with the file open, its
     * superblock still says "open for writing" and a plain open fails; we then clear the status
     * flags and set the end-of-allocation to the real end of file, as {@code h5clear -s
     * --increment=0} does ({@code h5clear -s} alone would cut off data written since the last
     * superblock write).
     */
    public static long openForSwmrWrite(Path path) {
        if (!isHdf5(path)) {
            throw new SwmrFileException("not an HDF5 file; refusing to write to it", path);
        }
        try {
            return openSwmrWrite(path);
        } catch (HDF5Exception first) {
            String format = formatOf(path);
            if (!FileLayout.FORMAT.equals(format)) {
                throw new SwmrFileException("not a swmr-facade file (attribute " + FileLayout.ATTR_FORMAT + " is "
                        + (format == null ? "missing" : "'" + format + "'") + "); refusing to write to it", path);
            }
            clearStatusFlags(path, first);
            try {
                return openSwmrWrite(path);
            } catch (HDF5Exception e) {
                throw new SwmrFileException("cannot reopen segment after clearing its status flags", path, e);
            }
        }
    }

    /**
     * Opens a segment read-only for SWMR reading (also fine for a closed segment).
     *
     * @throws SwmrFileException if it is corrupt or not HDF5
     */
    public static long openForSwmrRead(Path path) {
        long fapl = H5Ops.v110Fapl();
        try {
            return H5.H5Fopen(path.toString(), HDF5Constants.H5F_ACC_RDONLY | HDF5Constants.H5F_ACC_SWMR_READ, fapl);
        } catch (HDF5Exception e) {
            throw new SwmrFileException("cannot open for SWMR reading (corrupt or not HDF5?)", path, e);
        } finally {
            H5.H5Pclose(fapl);
        }
    }

    /**
     * The format attribute of a file that cannot be opened for writing: read with a plain
     * read-only open (a foreign file) or a SWMR read (a segment whose writer died). Null if
     * neither opens it or the attribute is absent.
     */
    private static String formatOf(Path path) {
        for (int flags : new int[] {HDF5Constants.H5F_ACC_RDONLY, HDF5Constants.H5F_ACC_RDONLY | HDF5Constants.H5F_ACC_SWMR_READ}) {
            long fapl = H5Ops.v110Fapl();
            try {
                long f = H5.H5Fopen(path.toString(), flags, fapl);
                try {
                    return H5Ops.readStringAttr(f, FileLayout.ATTR_FORMAT);
                } finally {
                    H5.H5Fclose(f);
                }
            } catch (HDF5Exception e) {
                // try the next way of opening it
            } finally {
                H5.H5Pclose(fapl);
            }
        }
        return null;
    }

    /** True if the file starts with an HDF5 signature (it may still be damaged further in). */
    static boolean isHdf5(Path path) {
        long fapl = H5Ops.v110Fapl();
        try {
            return H5.H5Fis_accessible(path.toString(), fapl);
        } catch (HDF5Exception e) {
            return false;
        } finally {
            H5.H5Pclose(fapl);
        }
    }

    private static long openSwmrWrite(Path path) {
        long fapl = H5Ops.v110Fapl();
        try {
            return H5.H5Fopen(path.toString(), HDF5Constants.H5F_ACC_RDWR | HDF5Constants.H5F_ACC_SWMR_WRITE, fapl);
        } finally {
            H5.H5Pclose(fapl);
        }
    }

    private static void clearStatusFlags(Path path, HDF5Exception cause) {
        long fapl = H5Ops.v110Fapl();
        try {
            // The library's own switch, the one h5clear uses: open despite the flags and clear them.
            H5.H5Pset(fapl, "clear_status_flags", 1);
            long file = H5.H5Fopen(path.toString(), HDF5Constants.H5F_ACC_RDWR, fapl);
            try {
                if (org.bytedeco.hdf5.global.hdf5.H5Fincrement_filesize(file, 0) < 0) {
                    throw new SwmrFileException("cannot restore the end of file after a crash", path);
                }
            } finally {
                H5.H5Fclose(file);
            }
        } catch (HDF5Exception e) {
            throw new SwmrFileException("cannot open segment (" + cause.getMessage() + ") nor clear its status flags", path, e);
        } finally {
            H5.H5Pclose(fapl);
        }
    }

    /** Throws unless {@code file} is a swmr-facade segment (a foreign HDF5 file is refused, not overwritten). */
    public static void checkFormat(long file, Path path) {
        String format = H5Ops.readStringAttr(file, FileLayout.ATTR_FORMAT);
        if (!FileLayout.FORMAT.equals(format)) {
            throw new SwmrFileException("not a swmr-facade file (attribute " + FileLayout.ATTR_FORMAT + " is "
                    + (format == null ? "missing" : "'" + format + "'") + ")", path);
        }
        if (!H5.H5Lexists(file, "/sf", HDF5Constants.H5P_DEFAULT)
                || !H5.H5Lexists(file, FileLayout.TASKS, HDF5Constants.H5P_DEFAULT)) {
            throw new SwmrFileException("swmr-facade segment without " + FileLayout.TASKS, path);
        }
    }

    public static List<StreamSpec> readStreams(long file) {
        long ds = H5.H5Dopen(file, FileLayout.STREAMS, HDF5Constants.H5P_DEFAULT);
        long type = StreamTableCodec.createType();
        try {
            long n = H5Ops.length(ds);
            return StreamTableCodec.decode(H5Ops.readAt(ds, type, 0, n, StreamTableCodec.ROW_SIZE));
        } finally {
            H5.H5Tclose(type);
            H5.H5Dclose(ds);
        }
    }
}
