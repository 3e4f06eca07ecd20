package io.swmrfacade.writer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.AppendPayload;
import io.swmrfacade.swmr.SampleType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The JSON form of an {@code append} payload, as typed on the command line or sent by a client
 * without protobuf:
 * {@code {"stream":"/live_survey/MT001/run_001/Ex","dtype":"float32","values":[1.5,2,3],"units":"mV/km","sample_rate_hz":256}}.
 * Both {@code sf submit} and the writer's {@code append} handler read it here, so a value is
 * judged the same way wherever it is checked.
 *
 * <p>Every value must be one its dtype holds: integer streams take whole numbers within their
 * range (written {@code 3}, {@code 3.0} or {@code 3e0}), and nothing else; float streams take
 * any number that does not overflow their type or underflow it to zero, stored as the nearest
 * value of the type (as any float parser does: 0.1 is not exact in binary), and also
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, which HDF5 float types hold. A value that
 * breaks this is refused, naming its index and value: never wrapped, truncated or made infinite.
 *
 * <p>Stateless and thread-safe.
 */
public final class AppendPayloads {

    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final BigDecimal INT32_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT32_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
    private static final BigDecimal INT64_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal INT64_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private AppendPayloads() {
    }

    /** True if {@code payload} is in the JSON form (its first non-blank byte is '{'); else it is an AppendPayload message. */
    public static boolean isJson(byte[] payload) {
        for (byte b : payload) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }

    /**
     * Reads the JSON form into the binary message the writer appends.
     *
     * @throws IllegalArgumentException naming the first thing wrong: not JSON, a missing field, an
     *     unknown dtype, or the index and value of the first value the dtype cannot hold
     */
    public static AppendPayload fromJson(String json) {
        return fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #fromJson(String)} for UTF-8 bytes. */
    public static AppendPayload fromJson(byte[] json) {
        // Two passes, so that values become samples directly whatever the order of the fields:
        // the first reads the other fields and counts the values, the second converts them.
        try (JsonParser first = JSON.createParser(json); JsonParser second = JSON.createParser(json)) {
            AppendPayload.Builder out = AppendPayload.newBuilder();
            int count = header(first, out);
            SampleType type = SampleType.parse(out.getDtype());
            ByteBuffer samples = ByteBuffer.allocate(Math.multiplyExact(count, type.size())).order(ByteOrder.LITTLE_ENDIAN);
            toValues(second);
            for (int i = 0; i < count; i++) {
                second.nextToken();
                put(samples, type, i, second.getText());
            }
            return out.setDtype(type.wireName()).setSamples(ByteString.copyFrom(samples.array())).build();
        } catch (IOException e) {
            throw new IllegalArgumentException("append payload is not JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Reads every field but the values into {@code out}; returns how many values there are. */
    private static int header(JsonParser p, AppendPayload.Builder out) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("append payload must be a JSON object with stream, dtype and values");
        }
        int count = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "stream" -> out.setStream(text(p, t, field));
                case "dtype" -> out.setDtype(text(p, t, field));
                case "units" -> out.setUnits(text(p, t, field));
                case "sample_rate_hz" -> out.setSampleRateHz(number(p, t, field).doubleValue());
                case "start_time_us" -> out.setStartTimeUs(wholeNumber(p, t, field));
                case "values" -> {
                    if (count >= 0) {
                        throw new IllegalArgumentException("append payload has \"values\" twice");
                    }
                    count = countNumbers(p, t);
                }
                default -> p.skipChildren();
            }
        }
        if (out.getStream().isEmpty()) {
            throw new IllegalArgumentException("append payload needs \"stream\" (a string)");
        }
        if (out.getDtype().isEmpty()) {
            throw new IllegalArgumentException("append payload needs \"dtype\" (a string)");
        }
        if (count < 0) {
            throw new IllegalArgumentException("append payload needs \"values\": an array of numbers");
        }
        return count;
    }

    /** Moves {@code p}, already checked by {@link #header}, to just inside the values array. */
    private static void toValues(JsonParser p) throws IOException {
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean values = p.currentName().equals("values");
            p.nextToken();
            if (values) {
                return;
            }
            p.skipChildren();
        }
        throw new IllegalStateException("values vanished between two reads of one payload");
    }

    /**
     * Puts one value, given as its JSON text, as a little-endian sample of {@code type}.
     *
     * @throws IllegalArgumentException if {@code type} cannot hold the value exactly (see the class comment)
     */
    public static void put(ByteBuffer samples, SampleType type, int index, String text) {
        Double special = nonFinite(text);
        if (special != null) {
            switch (type) {
                case FLOAT32 -> samples.putFloat(special.floatValue());
                case FLOAT64 -> samples.putDouble(special);
                default -> throw refused(index, text, "an " + type.wireName() + " stream holds whole numbers only, no NaN or infinity");
            }
            return;
        }
        BigDecimal v;
        try {
            v = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw refused(index, text, "it is not a number a " + type.wireName() + " stream can hold");
        }
        boolean negativeZero = v.signum() == 0 && text.startsWith("-");
        switch (type) {
            case INT32 -> samples.putInt(whole(v, index, text, type, INT32_MIN, INT32_MAX).intValueExact());
            case INT64 -> samples.putLong(whole(v, index, text, type, INT64_MIN, INT64_MAX).longValueExact());
            case FLOAT32 -> {
                float f = negativeZero ? -0.0f : v.floatValue();
                if (Float.isInfinite(f)) {
                    throw refused(index, text, "it overflows float32 (largest finite " + Float.MAX_VALUE + ")");
                }
                if (f == 0 && v.signum() != 0) {
                    throw refused(index, text, "it is too small for float32 and would become 0 (smallest " + Float.MIN_VALUE + ")");
                }
                samples.putFloat(f);
            }
            case FLOAT64 -> {
                double d = negativeZero ? -0.0 : v.doubleValue();
                if (Double.isInfinite(d)) {
                    throw refused(index, text, "it overflows float64 (largest finite " + Double.MAX_VALUE + ")");
                }
                if (d == 0 && v.signum() != 0) {
                    throw refused(index, text, "it is too small for float64 and would become 0 (smallest " + Double.MIN_VALUE + ")");
                }
                samples.putDouble(d);
            }
        }
    }

    private static BigDecimal whole(BigDecimal v, int index, String text, SampleType type, BigDecimal min, BigDecimal max) {
        // Range first: comparing is cheap even for 1e999999, while making it whole is not.
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw refused(index, text, "it is out of the range of " + type.wireName() + " [" + min + ", " + max + "]");
        }
        if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
            throw refused(index, text, "it is not a whole number, and an " + type.wireName() + " stream holds whole numbers only");
        }
        return v;
    }

    /** NaN and the infinities, as JSON with non-numeric numbers writes them (Python's json does). */
    private static Double nonFinite(String text) {
        return switch (text) {
            case "NaN", "+NaN", "-NaN" -> Double.NaN;
            case "Infinity", "+Infinity", "INF", "+INF" -> Double.POSITIVE_INFINITY;
            case "-Infinity", "-INF" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    private static IllegalArgumentException refused(int index, String text, String why) {
        String shown = text.length() <= 40 ? text : text.substring(0, 40) + "...";
        return new IllegalArgumentException("append value at index " + index + " (" + shown + ") refused: " + why);
    }

    private static int countNumbers(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("append payload needs \"values\": an array of numbers");
        }
        int n = 0;
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), n++) {
            if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                String shown = v.isScalarValue() ? p.getText() : v.asString();
                throw new IllegalArgumentException("append value at index " + n + " (" + shown + ") is not a number");
            }
        }
        return n;
    }

    private static String text(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("append payload needs \"" + field + "\" (a string)");
        }
        return p.getText();
    }

    private static BigDecimal number(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT || nonFinite(p.getText()) != null) {
            throw new IllegalArgumentException("append payload's \"" + field + "\" must be a finite number, not " + p.getText());
        }
        return new BigDecimal(p.getText());
    }

    private static long wholeNumber(JsonParser p, JsonToken t, String field) throws IOException {
        try {
            return number(p, t, field).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("append payload's \"" + field + "\" must be a whole number of"
                    + " microseconds within int64, not " + p.getText());
        }
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }
}
