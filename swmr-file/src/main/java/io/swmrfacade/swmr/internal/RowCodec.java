package io.swmrfacade.swmr.internal;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.swmr.TaskRow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Packs {@link TaskRow}s into the fixed-size little-endian compound layout of {@code /sf/tasks}
 * and back. Fixed-size fields only: SWMR cannot append variable-length data.
 */
public final class RowCodec {

    public static final int ID_LEN = 36;
    public static final int TYPE_LEN = 32;

    private static final Field[] FIELDS = {
            new Field("task_id", ID_LEN), new Field("session_id", ID_LEN), new Field("sequence", -8),
            new Field("type", TYPE_LEN), new Field("status", -1), new Field("attempts", -4),
            new Field("kafka_partition", -4), new Field("kafka_offset", -8),
            new Field("submitted_us", -8), new Field("started_us", -8), new Field("finished_us", -8),
            new Field("output_offset", -8), new Field("output_length", -8),
            new Field("stream_index", -4), new Field("stream_start", -8), new Field("stream_count", -8),
    };
    public static final int ROW_SIZE;

    static {
        int size = 0;
        for (Field f : FIELDS) {
            size += Math.abs(f.size);
        }
        ROW_SIZE = size;
    }

    /** A field: positive size is a fixed string, negative a little-endian integer of that many bytes. */
    private record Field(String name, int size) {
    }

    private RowCodec() {
    }

    /** Creates the HDF5 compound type of a row; the caller closes it. */
    public static long createType() {
        long type = H5.H5Tcreate(HDF5Constants.H5T_COMPOUND, ROW_SIZE);
        long offset = 0;
        for (Field f : FIELDS) {
            if (f.size > 0) {
                long str = H5.H5Tcopy(HDF5Constants.H5T_C_S1);
                try {
                    H5.H5Tset_size(str, f.size);
                    H5.H5Tset_strpad(str, HDF5Constants.H5T_STR_NULLPAD);
                    H5.H5Tinsert(type, f.name, offset, str);
                } finally {
                    H5.H5Tclose(str);
                }
            } else {
                long intType = switch (-f.size) {
                    case 1 -> HDF5Constants.H5T_STD_I8LE;
                    case 4 -> HDF5Constants.H5T_STD_I32LE;
                    default -> HDF5Constants.H5T_STD_I64LE;
                };
                H5.H5Tinsert(type, f.name, offset, intType);
            }
            offset += Math.abs(f.size);
        }
        return type;
    }

    /**
     * Creates a compound type of the task id alone: reading {@code /sf/tasks} with it reads that
     * column and nothing else. The caller closes it.
     */
    public static long createIdType() {
        long type = H5.H5Tcreate(HDF5Constants.H5T_COMPOUND, ID_LEN);
        long str = H5.H5Tcopy(HDF5Constants.H5T_C_S1);
        try {
            H5.H5Tset_size(str, ID_LEN);
            H5.H5Tset_strpad(str, HDF5Constants.H5T_STR_NULLPAD);
            H5.H5Tinsert(type, FIELDS[0].name, 0, str);
        } finally {
            H5.H5Tclose(str);
        }
        return type;
    }

    /** A task id as the id column stores it: ASCII, NUL-padded to {@link #ID_LEN}. */
    public static byte[] idBytes(String taskId) {
        ByteBuffer b = ByteBuffer.allocate(ID_LEN);
        putString(b, taskId, ID_LEN);
        return b.array();
    }

    public static void encode(TaskRow row, ByteBuffer out) {
        ByteBuffer b = out.order(ByteOrder.LITTLE_ENDIAN);
        putString(b, row.taskId(), ID_LEN);
        putString(b, row.sessionId(), ID_LEN);
        b.putLong(row.sequence());
        putString(b, row.type(), TYPE_LEN);
        b.put((byte) row.status());
        b.putInt(row.attempts());
        b.putInt(row.kafkaPartition());
        b.putLong(row.kafkaOffset());
        b.putLong(row.submittedUs());
        b.putLong(row.startedUs());
        b.putLong(row.finishedUs());
        b.putLong(row.outputOffset());
        b.putLong(row.outputLength());
        b.putInt(row.streamIndex());
        b.putLong(row.streamStart());
        b.putLong(row.streamCount());
    }

    public static TaskRow decode(ByteBuffer in) {
        ByteBuffer b = in.order(ByteOrder.LITTLE_ENDIAN);
        return new TaskRow(getString(b, ID_LEN), getString(b, ID_LEN), b.getLong(), getString(b, TYPE_LEN),
                b.get(), b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getLong(), b.getInt(), b.getLong(), b.getLong());
    }

    /** Writes {@code s} as ASCII, NUL-padded to {@code len}; longer text is cut (callers validate first). */
    static void putString(ByteBuffer b, String s, int len) {
        int at = b.position();
        int n = Math.min(s.length(), len);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                // Not ASCII: the charset's replacement, per code point (rare; callers validate)
                b.position(at);
                putEncoded(b, s, len);
                return;
            }
            b.put(at + i, (byte) c);
        }
        for (int i = n; i < len; i++) {
            b.put(at + i, (byte) 0);
        }
        b.position(at + len);
    }

    private static void putEncoded(ByteBuffer b, String s, int len) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(bytes.length, len);
        b.put(bytes, 0, n);
        for (int i = n; i < len; i++) {
            b.put((byte) 0);
        }
    }

    static String getString(ByteBuffer b, int len) {
        byte[] bytes = new byte[len];
        b.get(bytes);
        int end = 0;
        while (end < len && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }
}
