package io.swmrfacade.swmr.internal;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The few HDF5 calls the writer and the followers make, each closing what it opens. */
public final class H5Ops {

    private H5Ops() {
    }

    /**
     * A file-access property list with libver bounds V110, so HDF5 1.10 tools read our files.
     * HDF5's own file locks are off: a crashed writer's lock would keep readers out, and a
     * reader's shared lock would keep a restarted writer out. The single writer is enforced by
     * {@code WriterLock} instead.
     */
    public static long v110Fapl() {
        long fapl = H5.H5Pcreate(HDF5Constants.H5P_FILE_ACCESS);
        H5.H5Pset_libver_bounds(fapl, HDF5Constants.H5F_LIBVER_V110, HDF5Constants.H5F_LIBVER_V110);
        H5.H5Pset_file_locking(fapl, false, true);
        return fapl;
    }

    /** Creates an extendable, chunked 1-D dataset of {@code type}, making intermediate groups. */
    public static void createAppendable(long file, String path, long type, long chunk) {
        long space = H5.H5Screate_simple(1, new long[] {0}, new long[] {HDF5Constants.H5S_UNLIMITED});
        long dcpl = H5.H5Pcreate(HDF5Constants.H5P_DATASET_CREATE);
        long lcpl = H5.H5Pcreate(HDF5Constants.H5P_LINK_CREATE);
        try {
            H5.H5Pset_chunk(dcpl, 1, new long[] {chunk});
            H5.H5Pset_create_intermediate_group(lcpl, true);
            H5.H5Dclose(H5.H5Dcreate(file, path, type, space, lcpl, dcpl, HDF5Constants.H5P_DEFAULT));
        } finally {
            H5.H5Pclose(lcpl);
            H5.H5Pclose(dcpl);
            H5.H5Sclose(space);
        }
    }

    /** Creates a fixed-size 1-D dataset holding {@code count} elements of {@code type} from {@code data}. */
    public static void createFixed(long file, String path, long type, long count, byte[] data) {
        long space = H5.H5Screate_simple(1, new long[] {count}, null);
        long lcpl = H5.H5Pcreate(HDF5Constants.H5P_LINK_CREATE);
        try {
            H5.H5Pset_create_intermediate_group(lcpl, true);
            long ds = H5.H5Dcreate(file, path, type, space, lcpl, HDF5Constants.H5P_DEFAULT, HDF5Constants.H5P_DEFAULT);
            try {
                if (count > 0) {
                    H5.H5Dwrite(ds, type, HDF5Constants.H5S_ALL, HDF5Constants.H5S_ALL, HDF5Constants.H5P_DEFAULT, data);
                }
            } finally {
                H5.H5Dclose(ds);
            }
        } finally {
            H5.H5Pclose(lcpl);
            H5.H5Sclose(space);
        }
    }

    /** Current length of a 1-D dataset. */
    public static long length(long dataset) {
        long space = H5.H5Dget_space(dataset);
        try {
            long[] dims = new long[1];
            H5.H5Sget_simple_extent_dims(space, dims, null);
            return dims[0];
        } finally {
            H5.H5Sclose(space);
        }
    }

    /** Writes {@code count} elements from {@code data} at {@code start} of an already-extended 1-D dataset. */
    public static void writeAt(long dataset, long memType, long start, long count, byte[] data) {
        long fileSpace = H5.H5Dget_space(dataset);
        long memSpace = H5.H5Screate_simple(1, new long[] {count}, null);
        try {
            H5.H5Sselect_hyperslab(fileSpace, HDF5Constants.H5S_SELECT_SET, new long[] {start}, null, new long[] {count}, null);
            H5.H5Dwrite(dataset, memType, memSpace, fileSpace, HDF5Constants.H5P_DEFAULT, data);
        } finally {
            H5.H5Sclose(memSpace);
            H5.H5Sclose(fileSpace);
        }
    }

    /** Appends {@code count} elements: extend, then write at the old end. Returns the old end. */
    public static long append(long dataset, long memType, long count, byte[] data) {
        long start = length(dataset);
        H5.H5Dset_extent(dataset, new long[] {start + count});
        writeAt(dataset, memType, start, count, data);
        return start;
    }

    /** Reads {@code count} elements of {@code elementSize} bytes from {@code start}. */
    public static byte[] readAt(long dataset, long memType, long start, long count, int elementSize) {
        byte[] out = new byte[Math.toIntExact(count * elementSize)];
        if (count == 0) {
            return out;
        }
        long fileSpace = H5.H5Dget_space(dataset);
        long memSpace = H5.H5Screate_simple(1, new long[] {count}, null);
        try {
            H5.H5Sselect_hyperslab(fileSpace, HDF5Constants.H5S_SELECT_SET, new long[] {start}, null, new long[] {count}, null);
            H5.H5Dread(dataset, memType, memSpace, fileSpace, HDF5Constants.H5P_DEFAULT, out);
        } finally {
            H5.H5Sclose(memSpace);
            H5.H5Sclose(fileSpace);
        }
        return out;
    }

    public static long fixedString(int size) {
        long str = H5.H5Tcopy(HDF5Constants.H5T_C_S1);
        H5.H5Tset_size(str, size);
        H5.H5Tset_strpad(str, HDF5Constants.H5T_STR_NULLPAD);
        return str;
    }

    public static void writeStringAttr(long object, String name, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        long type = fixedString(Math.max(1, bytes.length));
        long space = H5.H5Screate(HDF5Constants.H5S_SCALAR);
        try {
            long attr = H5.H5Acreate(object, name, type, space, HDF5Constants.H5P_DEFAULT, HDF5Constants.H5P_DEFAULT);
            try {
                H5.H5Awrite(attr, type, bytes.length == 0 ? new byte[1] : bytes);
            } finally {
                H5.H5Aclose(attr);
            }
        } finally {
            H5.H5Sclose(space);
            H5.H5Tclose(type);
        }
    }

    public static void writeLongAttr(long object, String name, long value) {
        writeNumberAttr(object, name, HDF5Constants.H5T_STD_I64LE,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    public static void writeDoubleAttr(long object, String name, double value) {
        writeNumberAttr(object, name, HDF5Constants.H5T_IEEE_F64LE,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
    }

    private static void writeNumberAttr(long object, String name, long type, byte[] value) {
        long space = H5.H5Screate(HDF5Constants.H5S_SCALAR);
        try {
            long attr = H5.H5Acreate(object, name, type, space, HDF5Constants.H5P_DEFAULT, HDF5Constants.H5P_DEFAULT);
            try {
                H5.H5Awrite(attr, type, value);
            } finally {
                H5.H5Aclose(attr);
            }
        } finally {
            H5.H5Sclose(space);
        }
    }

    /** Reads a scalar string attribute written by {@link #writeStringAttr}, or null if absent. */
    public static String readStringAttr(long object, String name) {
        if (!H5.H5Aexists(object, name)) {
            return null;
        }
        long attr = H5.H5Aopen(object, name, HDF5Constants.H5P_DEFAULT);
        try {
            long type = H5.H5Aget_type(attr);
            try {
                byte[] buf = new byte[(int) H5.H5Tget_size(type)];
                H5.H5Aread(attr, type, buf);
                int end = 0;
                while (end < buf.length && buf[end] != 0) {
                    end++;
                }
                return new String(buf, 0, end, StandardCharsets.UTF_8);
            } finally {
                H5.H5Tclose(type);
            }
        } finally {
            H5.H5Aclose(attr);
        }
    }
}
