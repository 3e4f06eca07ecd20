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
    void values_the_dtype_cannot_hold_are_refused_at_submit_naming_index_and_value() {
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"int32\",\"values\":[3000000000]}"))
                .hasMessageContaining("index 0 (3000000000)").hasMessageContaining("out of the range of int32");
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"int64\",\"values\":[1.5,2.75]}"))
                .hasMessageContaining("index 0 (1.5)").hasMessageContaining("whole numbers only");
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"float64\",\"values\":[1e400]}"))
                .hasMessageContaining("index 0 (1e400)").hasMessageContaining("overflows float64");
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"float32\",\"values\":[1e39]}"))
                .hasMessageContaining("index 0 (1e39)").hasMessageContaining("overflows float32");
    }

    @Test
    void bad_json_is_named() {
        assertThatThrownBy(() -> AppendJson.parse("{not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> AppendJson.parse("{\"dtype\":\"float32\",\"values\":[1]}")).hasMessageContaining("\"stream\"");
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"complex\",\"values\":[1]}")).hasMessageContaining("unknown dtype 'complex'");
        assertThatThrownBy(() -> AppendJson.parse("{\"stream\":\"/a\",\"dtype\":\"int32\",\"values\":[\"x\"]}")).hasMessageContaining("not a number");
    }
}
