package io.swmrfacade.swmr;

/**
 * Where things live in a segment file. Everything swmr-facade owns is under {@code /sf}; user
 * streams live at their own paths, created with their groups before SWMR writing starts (HDF5
 * forbids creating objects under SWMR).
 *
 * <pre>
 * /                    attrs sf_format, sf_segment, sf_writer, sf_created_us
 * /sf/tasks            one row per task (compound, see {@link TaskRow}), appended
 * /sf/heap             uint8 byte heap: task outputs and error texts, appended
 *                      (SWMR cannot append variable-length data)
 * /sf/streams          the streams of this segment: path, dtype, units, rate, start (fixed at creation)
 * /&lt;stream path&gt;      1-D dataset of samples, appended; attrs units, sample_rate_hz, start_time_us
 * </pre>
 */
public final class FileLayout {

    public static final String FORMAT = "swmr-facade/1";
    public static final String RESERVED_GROUP = "sf";
    public static final String TASKS = "/sf/tasks";
    public static final String HEAP = "/sf/heap";
    public static final String STREAMS = "/sf/streams";

    public static final String ATTR_FORMAT = "sf_format";
    public static final String ATTR_SEGMENT = "sf_segment";
    public static final String ATTR_WRITER = "sf_writer";
    public static final String ATTR_CREATED = "sf_created_us";
    public static final String ATTR_UNITS = "units";
    public static final String ATTR_SAMPLE_RATE = "sample_rate_hz";
    public static final String ATTR_START_TIME = "start_time_us";

    private static final long TASK_CHUNK_ROWS = 512;
    private static final long HEAP_CHUNK_BYTES = 64 * 1024;
    private static final long STREAM_CHUNK_SAMPLES = 64 * 1024;

    private FileLayout() {
    }

    /** Rows per chunk of /sf/tasks. */
    public static long taskChunkRows() {
        return TASK_CHUNK_ROWS;
    }

    /** Bytes per chunk of /sf/heap. */
    public static long heapChunkBytes() {
        return HEAP_CHUNK_BYTES;
    }

    /** Samples per chunk of a stream: one 64k-sample append fills one chunk. */
    public static long streamChunkSamples() {
        return STREAM_CHUNK_SAMPLES;
    }
}
