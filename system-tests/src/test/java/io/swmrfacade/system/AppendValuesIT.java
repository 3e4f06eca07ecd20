package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.AppendPayload;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.writer.WriterNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 item 1, in the writer, whatever client sent the task: append payloads in the JSON form
 * (as a client without protobuf sends them) whose values the stream's dtype cannot hold exactly
 * are REJECTED naming index and value, and append nothing; the values that pass are in the file
 * bit for bit, read back by the project's follower and by Debian's h5py. An int32 stream given
 * 3000000000 once held -1294967296, an int64 stream given [1.5, 2.75] held [1, 2], and 1e400 and
 * 1e39 became infinities.
 */
class AppendValuesIT {

    private static final String F32 = "/values/f32";
    private static final String F64 = "/values/f64";
    private static final String I32 = "/values/i32";
    private static final String I64 = "/values/i64";

    @TempDir
    Path dir;

    @Test
    void values_a_dtype_cannot_hold_are_rejected_by_the_writer_and_the_rest_are_stored_exactly() throws Exception {
        Path file = dir.resolve("values.h5");
        Map<String, ByteBuffer> expected = new LinkedHashMap<>();
        expected.put(F32, le(4 * 9).putFloat(1.5f).putFloat(-0.0f).putFloat(Float.MAX_VALUE).putFloat(Float.MIN_VALUE)
                .putFloat(Float.NaN).putFloat(Float.POSITIVE_INFINITY).putFloat(Float.NEGATIVE_INFINITY).putFloat(0.1f)
                .putFloat(Float.NaN));
        expected.put(F64, le(8 * 5).putDouble(Double.MAX_VALUE).putDouble(Double.MIN_VALUE).putDouble(Double.NaN)
                .putDouble(Double.NEGATIVE_INFINITY).putDouble(0.1));
        expected.put(I32, le(4 * 3).putInt(Integer.MIN_VALUE).putInt(Integer.MAX_VALUE).putInt(3));
        expected.put(I64, le(8 * 3).putLong(Long.MIN_VALUE).putLong(Long.MAX_VALUE).putLong(1200));
        try (Installation sf = new Installation("append-values", 1)) {
            WriterNode writer = sf.writer(file, "values-writer");
            Map<TaskId, String> rejected = new LinkedHashMap<>();
            try (TaskFacade facade = sf.facade().build()) {
                List<TaskId> ok = List.of(
                        submit(facade, F32, "float32", "1.5, -0.0, 3.4028235e38, 1.4e-45, NaN, Infinity, -Infinity, 0.1"),
                        // A packed NaN from a protobuf client passes too: float types hold it.
                        facade.submit(Task.of("append", AppendPayload.newBuilder().setStream(F32).setDtype("float32")
                                .setSamples(ByteString.copyFrom(le(4).putFloat(Float.NaN).array())).build().toByteArray())
                                .withRoutingKey(F32)).id(),
                        submit(facade, F64, "float64", "1.7976931348623157e308, 4.9e-324, NaN, -Infinity, 0.1"),
                        submit(facade, I32, "int32", "-2147483648, 2147483647, 3.0"),
                        submit(facade, I64, "int64", "-9223372036854775808, 9223372036854775807, 12e2"));
                rejected.put(submit(facade, I32, "int32", "1, 3000000000"), "append value at index 1 (3000000000) refused:"
                        + " it is out of the range of int32 [-2147483648, 2147483647]");
                rejected.put(submit(facade, I64, "int64", "1.5, 2.75"), "append value at index 0 (1.5) refused: it is not"
                        + " a whole number, and an int64 stream holds whole numbers only");
                rejected.put(submit(facade, F64, "float64", "2, 1e400"), "append value at index 1 (1e400) refused:"
                        + " it overflows float64");
                rejected.put(submit(facade, F32, "float32", "1e39"), "append value at index 0 (1e39) refused:"
                        + " it overflows float32");
                rejected.put(submit(facade, I32, "int32", "NaN"), "append value at index 0 (NaN) refused: an int32 stream"
                        + " holds whole numbers only, no NaN or infinity");
                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.complete()).isTrue();
                for (TaskResult r : all.results()) {
                    if (ok.contains(r.id())) {
                        assertThat(r.status()).as(r.error()).isEqualTo(TaskStatus.OK);
                    } else {
                        assertThat(r.status()).isEqualTo(TaskStatus.REJECTED);
                        assertThat(r.error()).startsWith(rejected.get(r.id()));
                    }
                }
            }
            writer.close();
            assertThat(writer.failure()).isNull();
        }
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            f.poll();
            for (Map.Entry<String, ByteBuffer> e : expected.entrySet()) {
                assertThat(HexFormat.of().formatHex(f.readSamplesAcrossSegments(e.getKey())))
                        .as("the samples of %s, bit for bit", e.getKey()).isEqualTo(HexFormat.of().formatHex(e.getValue().array()));
            }
        }
        assumeTrue(H5pyCrossCheckIT.h5pyAvailable(), "/usr/bin/python3 with h5py is not installed (apt-get install python3-h5py)");
        Map<String, String> h5py = h5pyHex(file);
        for (Map.Entry<String, ByteBuffer> e : expected.entrySet()) {
            assertThat(h5py.get(e.getKey())).as("h5py's bytes of %s", e.getKey())
                    .isEqualTo(HexFormat.of().formatHex(e.getValue().array()));
        }
    }

    private static TaskId submit(TaskFacade facade, String stream, String dtype, String values) {
        String json = "{\"stream\":\"" + stream + "\",\"dtype\":\"" + dtype + "\",\"values\":[" + values + "]}";
        return facade.submit(Task.of("append", json).withRoutingKey(stream)).id();
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Each stream's samples as h5py reads them from the closed file's segments, little-endian, in hex. */
    private Map<String, String> h5pyHex(Path file) throws Exception {
        Path script = dir.resolve("values.py");
        Files.writeString(script, String.join("\n",
                "import sys, glob, re, h5py, numpy as np",
                "base = sys.argv[1]",
                "stem = base[:-3]",
                "segs = [base] + sorted(glob.glob(stem + '.*.h5'), key=lambda p: int(re.search(r'\\.(\\d+)\\.h5$', p).group(1)))",
                "for stream in sys.argv[2:]:",
                "    parts = []",
                "    for seg in segs:",
                "        with h5py.File(seg, 'r') as f:",
                "            if stream in f:",
                "                d = f[stream][:]",
                "                parts.append(d.astype(d.dtype.newbyteorder('<')).tobytes())",
                "    print(stream, b''.join(parts).hex())",
                ""));
        Process py = new ProcessBuilder("/usr/bin/python3", script.toString(), file.toString(), F32, F64, I32, I64)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("h5py.log").toFile())).start();
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(py.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(py.exitValue()).as("h5py: %s %s", out, Files.readString(dir.resolve("h5py.log"))).isZero();
        Map<String, String> hex = new LinkedHashMap<>();
        out.lines().map(l -> l.split(" ", 2)).forEach(w -> hex.put(w[0], w.length > 1 ? w[1] : ""));
        return hex;
    }
}
