package io.swmrfacade.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.proto.v1.AppendPayload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Issue 8 item 1: a value its dtype cannot hold exactly is refused, naming its index and value. */
class AppendPayloadsTest {

    private static AppendPayload parse(String dtype, String values) {
        return AppendPayloads.fromJson("{\"stream\":\"/a/b/x\",\"dtype\":\"" + dtype + "\",\"values\":[" + values + "]}");
    }

    private static ByteBuffer samples(AppendPayload p) {
        return p.getSamples().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void an_int32_value_out_of_range_is_refused_instead_of_wrapping() {
        assertThatThrownBy(() -> parse("int32", "1, 3000000000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("append value at index 1 (3000000000) refused: it is out of the range of int32 [-2147483648, 2147483647]");
        assertThatThrownBy(() -> parse("int32", "-2147483649")).hasMessageContaining("index 0 (-2147483649)");
        ByteBuffer b = samples(parse("int32", "-2147483648, 2147483647"));
        assertThat(b.getInt()).isEqualTo(Integer.MIN_VALUE);
        assertThat(b.getInt()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void an_int64_value_out_of_range_is_refused_at_the_exact_bound() {
        ByteBuffer b = samples(parse("int64", "-9223372036854775808, 9223372036854775807"));
        assertThat(b.getLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(b.getLong()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> parse("int64", "9223372036854775808"))
                .hasMessageContaining("index 0 (9223372036854775808)").hasMessageContaining("out of the range of int64");
        assertThatThrownBy(() -> parse("int64", "1e400")).hasMessageContaining("index 0 (1e400)");
    }

    @Test
    void a_fraction_for_an_integer_stream_is_refused_instead_of_truncated() {
        assertThatThrownBy(() -> parse("int64", "1.5, 2.75"))
                .hasMessage("append value at index 0 (1.5) refused: it is not a whole number, and an int64 stream holds whole numbers only");
        assertThatThrownBy(() -> parse("int32", "2, 0.000001")).hasMessageContaining("index 1 (0.000001)");
    }

    @Test
    void whole_numbers_in_decimal_or_exponent_form_are_taken_by_integer_streams() {
        ByteBuffer b = samples(parse("int64", "3.0, 3e0, 300E-2, -0.0, 1.2e3"));
        assertThat(b.getLong()).isEqualTo(3);
        assertThat(b.getLong()).isEqualTo(3);
        assertThat(b.getLong()).isEqualTo(3);
        assertThat(b.getLong()).isEqualTo(0);
        assertThat(b.getLong()).isEqualTo(1200);
        assertThatThrownBy(() -> parse("int64", "250E-2")).hasMessageContaining("index 0 (250E-2)");
    }

    @Test
    void a_finite_value_that_overflows_a_float_type_is_refused_instead_of_becoming_infinite() {
        assertThatThrownBy(() -> parse("float64", "0, 1e400"))
                .hasMessage("append value at index 1 (1e400) refused: it overflows float64 (largest finite 1.7976931348623157E308)");
        assertThatThrownBy(() -> parse("float32", "1e39"))
                .hasMessage("append value at index 0 (1e39) refused: it overflows float32 (largest finite 3.4028235E38)");
        assertThatThrownBy(() -> parse("float32", "-1e39")).hasMessageContaining("index 0 (-1e39)");
        assertThat(samples(parse("float32", "3.4028235e38")).getFloat()).isEqualTo(Float.MAX_VALUE);
        assertThat(samples(parse("float64", "1.7976931348623157e308")).getDouble()).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void a_nonzero_value_that_would_become_zero_is_refused() {
        assertThatThrownBy(() -> parse("float32", "1e-50")).hasMessageContaining("index 0 (1e-50)").hasMessageContaining("would become 0");
        assertThatThrownBy(() -> parse("float64", "1e-400")).hasMessageContaining("index 0 (1e-400)");
        assertThat(samples(parse("float32", "1.4e-45")).getFloat()).isEqualTo(Float.MIN_VALUE);
        ByteBuffer zeros = samples(parse("float64", "0, -0.0"));
        assertThat(Double.doubleToRawLongBits(zeros.getDouble())).isEqualTo(Double.doubleToRawLongBits(0.0));
        assertThat(Double.doubleToRawLongBits(zeros.getDouble())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void float_values_are_stored_as_the_nearest_value_of_their_type() {
        ByteBuffer b = samples(parse("float32", "0.1, 16777217"));
        assertThat(b.getFloat()).isEqualTo(0.1f);
        assertThat(b.getFloat()).isEqualTo(16777216f);
        assertThat(samples(parse("float64", "0.1")).getDouble()).isEqualTo(0.1);
    }

    @Test
    void nan_and_infinities_are_float_values_and_no_integer() {
        ByteBuffer f = samples(parse("float32", "NaN, Infinity, -Infinity"));
        assertThat(f.getFloat()).isNaN();
        assertThat(f.getFloat()).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(f.getFloat()).isEqualTo(Float.NEGATIVE_INFINITY);
        ByteBuffer d = samples(parse("float64", "NaN, Infinity, -Infinity"));
        assertThat(d.getDouble()).isNaN();
        assertThat(d.getDouble()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(d.getDouble()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> parse("int32", "1, NaN"))
                .hasMessage("append value at index 1 (NaN) refused: an int32 stream holds whole numbers only, no NaN or infinity");
        assertThatThrownBy(() -> parse("int64", "-Infinity")).hasMessageContaining("index 0 (-Infinity)");
    }

    @Test
    void the_fields_may_come_in_any_order_and_the_payload_carries_them() {
        AppendPayload p = AppendPayloads.fromJson(
                "{\"values\":[1,2],\"units\":\"mV\",\"sample_rate_hz\":256,\"start_time_us\":17,\"dtype\":\"int32\",\"stream\":\"/a/b/x\"}");
        assertThat(p.getStream()).isEqualTo("/a/b/x");
        assertThat(p.getDtype()).isEqualTo("int32");
        assertThat(p.getUnits()).isEqualTo("mV");
        assertThat(p.getSampleRateHz()).isEqualTo(256.0);
        assertThat(p.getStartTimeUs()).isEqualTo(17);
        ByteBuffer b = samples(p);
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(b.remaining()).isZero();
    }

    @Test
    void malformed_payloads_are_named() {
        assertThatThrownBy(() -> AppendPayloads.fromJson("{not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> AppendPayloads.fromJson("[1]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> AppendPayloads.fromJson("{\"dtype\":\"int32\",\"values\":[1]}")).hasMessageContaining("\"stream\"");
        assertThatThrownBy(() -> AppendPayloads.fromJson("{\"stream\":\"/a\",\"values\":[1]}")).hasMessageContaining("\"dtype\"");
        assertThatThrownBy(() -> AppendPayloads.fromJson("{\"stream\":\"/a\",\"dtype\":\"int32\"}")).hasMessageContaining("\"values\"");
        assertThatThrownBy(() -> parse("complex", "1")).hasMessageContaining("unknown dtype 'complex'");
        assertThatThrownBy(() -> parse("int32", "1, \"2\"")).hasMessage("append value at index 1 (2) is not a number");
        assertThatThrownBy(() -> parse("int32", "[1]")).hasMessageContaining("index 0").hasMessageContaining("is not a number");
        assertThatThrownBy(() -> AppendPayloads.fromJson("{\"stream\":\"/a\",\"dtype\":\"int32\",\"values\":[1],\"values\":[2]}"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> AppendPayloads.fromJson("{\"stream\":\"/a\",\"dtype\":\"int32\",\"values\":[1],\"start_time_us\":1.5}"))
                .hasMessageContaining("start_time_us");
    }

    @Test
    void only_a_payload_that_opens_with_a_brace_is_the_json_form() {
        assertThat(AppendPayloads.isJson(" \n{\"stream\":1}".getBytes())).isTrue();
        assertThat(AppendPayloads.isJson(AppendPayload.newBuilder().setStream("/a").build().toByteArray())).isFalse();
        assertThat(AppendPayloads.isJson(new byte[0])).isFalse();
    }
}
