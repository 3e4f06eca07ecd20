package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.proto.v1.AppendPayload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class AppendJsonTest {

    @Test
    void json_values_become_little_endian_samples_of_the_dtype() throws Exception {
        AppendPayload p = AppendPayload.parseFrom(AppendJson.parse(
                "{\"stream\":\"/a/b/Ex\",\"dtype\":\"float64\",\"values\":[1.5,-2,3],\"units\":\"mV\",\"sample_rate_hz\":256}"));
        assertThat(p.getStream()).isEqualTo("/a/b/Ex");
        assertThat(p.getUnits()).isEqualTo("mV");
        assertThat(p.getSampleRateHz()).isEqualTo(256.0);
        ByteBuffer b = p.getSamples().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getDouble()).isEqualTo(1.5);
        assertThat(b.getDouble()).isEqualTo(-2.0);
        assertThat(b.getDouble()).isEqualTo(3.0);
        assertThat(b.remaining()).isZero();
    }

    @Test
    void bad_json_is_named() {
        assertThatThrownBy(() -> AppendJson.parse("{not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> AppendJson.parse("{\"dtype\":\"float32\",\"values\":[1]}")).hasMessageContaining("\"stream\"");
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"complex\",\"values\":[1]}")).hasMessageContaining("unknown dtype 'complex'");
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"int32\",\"values\":[\"x\"]}")).hasMessageContaining("not a number");
    }
}
