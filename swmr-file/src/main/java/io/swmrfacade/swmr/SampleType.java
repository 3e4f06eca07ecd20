package io.swmrfacade.swmr;

import hdf.hdf5lib.HDF5Constants;
import java.util.Arrays;
import java.util.Locale;

/** The element types a stream dataset can hold. Samples travel little-endian. */
public enum SampleType {
    FLOAT32(4), FLOAT64(8), INT32(4), INT64(8);

    private final int size;

    SampleType(int size) {
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** The name used on the wire and in the file: float32, float64, int32, int64. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SampleType parse(String name) {
        for (SampleType t : values()) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "': expected one of "
                + Arrays.stream(values()).map(SampleType::wireName).toList());
    }

    /** The little-endian HDF5 type, used both in the file and in memory (samples are little-endian bytes). */
    public long hdf5Type() {
        return switch (this) {
            case FLOAT32 -> HDF5Constants.H5T_IEEE_F32LE;
            case FLOAT64 -> HDF5Constants.H5T_IEEE_F64LE;
            case INT32 -> HDF5Constants.H5T_STD_I32LE;
            case INT64 -> HDF5Constants.H5T_STD_I64LE;
        };
    }
}
