package io.swmrfacade.system;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.AppendPayload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Append payloads with known sample values, so tests can check every value in the file. */
final class Payloads {

    private Payloads() {
    }

    /** {@code n} float32 samples {@code base, base+1, ...}. */
    static byte[] float32(String stream, int base, int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(base + i);
        }
        return AppendPayload.newBuilder().setStream(stream).setDtype("float32").setUnits("mV/km").setSampleRateHz(256)
                .setSamples(ByteString.copyFrom(b.array())).build().toByteArray();
    }

    /** {@code n} int64 samples {@code base, base+1, ...}. */
    static byte[] int64(String stream, long base, int n) {
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putLong(base + i);
        }
        return AppendPayload.newBuilder().setStream(stream).setDtype("int64")
                .setSamples(ByteString.copyFrom(b.array())).build().toByteArray();
    }
}
