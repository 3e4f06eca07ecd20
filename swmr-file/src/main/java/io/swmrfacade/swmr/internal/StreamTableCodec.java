package io.swmrfacade.swmr.internal;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.swmr.SampleType;
import io.swmrfacade.swmr.StreamSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The fixed-size compound rows of {@code /sf/streams}: one per stream of a segment. */
public final class StreamTableCodec {

    private static final int PATH_LEN = 256;
    private static final int DTYPE_LEN = 8;
    private static final int UNITS_LEN = 32;
    public static final int ROW_SIZE = PATH_LEN + DTYPE_LEN + UNITS_LEN + 8 + 8;

    private StreamTableCodec() {
    }

    public static long createType() {
        long type = H5.H5Tcreate(HDF5Constants.H5T_COMPOUND, ROW_SIZE);
        insertString(type, "path", 0, PATH_LEN);
        insertString(type, "dtype", PATH_LEN, DTYPE_LEN);
        insertString(type, "units", PATH_LEN + DTYPE_LEN, UNITS_LEN);
        H5.H5Tinsert(type, "sample_rate_hz", PATH_LEN + DTYPE_LEN + UNITS_LEN, HDF5Constants.H5T_IEEE_F64LE);
        H5.H5Tinsert(type, "start_time_us", PATH_LEN + DTYPE_LEN + UNITS_LEN + 8, HDF5Constants.H5T_STD_I64LE);
        return type;
    }

    private static void insertString(long compound, String name, long offset, int size) {
        long str = H5Ops.fixedString(size);
        try {
            H5.H5Tinsert(compound, name, offset, str);
        } finally {
            H5.H5Tclose(str);
        }
    }

    public static byte[] encode(List<StreamSpec> specs) {
        ByteBuffer b = ByteBuffer.allocate(ROW_SIZE * specs.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (StreamSpec s : specs) {
            RowCodec.putString(b, s.path(), PATH_LEN);
            RowCodec.putString(b, s.type().wireName(), DTYPE_LEN);
            RowCodec.putString(b, s.units(), UNITS_LEN);
            b.putDouble(s.sampleRateHz());
            b.putLong(s.startTimeUs());
        }
        return b.array();
    }

    public static List<StreamSpec> decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<StreamSpec> out = new ArrayList<>();
        while (b.remaining() >= ROW_SIZE) {
            String path = RowCodec.getString(b, PATH_LEN);
            SampleType type = SampleType.parse(RowCodec.getString(b, DTYPE_LEN));
            String units = RowCodec.getString(b, UNITS_LEN);
            out.add(new StreamSpec(path, type, units, b.getDouble(), b.getLong()));
        }
        return out;
    }
}
