package io.swmrfacade.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.swmr.SampleType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SignalTapTest {

    @Test
    void rate_history_keeps_one_point_a_second_and_two_minutes_at_most() {
        SignalTap tap = new SignalTap(10, 4096);
        for (long t = 0; t < 200_000; t += 100) {
            tap.recordRates(t, t / 1000.0);
        }
        assertThat(tap.rateHistory()).hasSize(SignalTap.HISTORY_POINTS);
        assertThat(tap.rateHistory().get(0).atMs()).isEqualTo(200_000 - SignalTap.HISTORY_POINTS * 1000);
        assertThat(tap.rateHistory().get(SignalTap.HISTORY_POINTS - 1).rowsPerSecond()).isEqualTo(199.0);
    }

    @Test
    void samples_decode_little_endian_in_every_dtype() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1.5f).putFloat(-2.25f).putInt(-7).putInt(Integer.MAX_VALUE);
        byte[] bytes = b.array();
        assertThat(SignalTap.decode(java.util.Arrays.copyOfRange(bytes, 0, 8), SampleType.FLOAT32)).containsExactly(1.5, -2.25);
        assertThat(SignalTap.decode(java.util.Arrays.copyOfRange(bytes, 8, 16), SampleType.INT32))
                .containsExactly(-7, Integer.MAX_VALUE);
        ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI).putLong(-1L << 40);
        assertThat(SignalTap.decode(java.util.Arrays.copyOfRange(l.array(), 0, 8), SampleType.FLOAT64)).containsExactly(Math.PI);
        assertThat(SignalTap.decode(java.util.Arrays.copyOfRange(l.array(), 8, 16), SampleType.INT64)).containsExactly(-(double) (1L << 40));
    }
}
