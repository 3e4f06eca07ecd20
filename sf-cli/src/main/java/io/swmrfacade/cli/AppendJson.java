package io.swmrfacade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.AppendPayload;
import io.swmrfacade.swmr.SampleType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns the JSON form of an append payload, as typed on the command line, into the binary
 * {@link AppendPayload} the writer takes:
 * {@code {"stream":"/live_survey/MT001/run_001/Ex","dtype":"float32","values":[1.5,2,3],"units":"mV/km","sample_rate_hz":256}}.
 */
final class AppendJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AppendJson() {
    }

    static byte[] parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("append payload is not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("append payload must be a JSON object with stream, dtype and values");
        }
        String stream = text(n, "stream");
        SampleType type = SampleType.parse(text(n, "dtype"));
        JsonNode values = n.get("values");
        if (values == null || !values.isArray()) {
            throw new IllegalArgumentException("append payload needs \"values\": an array of numbers");
        }
        ByteBuffer b = ByteBuffer.allocate(values.size() * type.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : values) {
            if (!v.isNumber()) {
                throw new IllegalArgumentException("append value " + v + " is not a number");
            }
            switch (type) {
                case FLOAT32 -> b.putFloat(v.floatValue());
                case FLOAT64 -> b.putDouble(v.doubleValue());
                case INT32 -> b.putInt(v.intValue());
                case INT64 -> b.putLong(v.longValue());
                default -> throw new IllegalStateException(type.name());
            }
        }
        AppendPayload.Builder p = AppendPayload.newBuilder().setStream(stream).setDtype(type.wireName())
                .setSamples(ByteString.copyFrom(b.array()));
        if (n.has("units")) {
            p.setUnits(n.get("units").asText());
        }
        if (n.has("sample_rate_hz")) {
            p.setSampleRateHz(n.get("sample_rate_hz").asDouble());
        }
        if (n.has("start_time_us")) {
            p.setStartTimeUs(n.get("start_time_us").asLong());
        }
        return p.build().toByteArray();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("append payload needs \"" + field + "\" (a string)");
        }
        return v.asText();
    }
}
