package io.swmrfacade.swmr;

import java.nio.file.Path;
import java.time.Clock;

/** Child process for crash tests: appends rows with known contents, flushing each, until killed. */
public final class CrashingWriterMain {

    private CrashingWriterMain() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        StreamSpec ex = new StreamSpec("/s/Ex", SampleType.INT64, "", 0, 0);
        SwmrWriter w = SwmrWriter.open(file, "crasher", Clock.systemUTC());
        w.ensureStream(ex);
        for (long i = first; ; i++) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 16; k++) {
                b.putLong(i * 16 + k);
            }
            long start = w.appendSamples(ex.path(), b.array());
            byte[] out = ("out-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long at = w.appendHeap(out);
            w.appendRow(new TaskRow("task-" + i, "s", i, "append", 1, 1, 0, i, 0, 0, 0, at, out.length, w.streamIndex(ex.path()), start, 16));
            w.flush();
            if (i == first) {
                System.out.println("STARTED");
                System.out.flush();
            }
        }
    }
}
