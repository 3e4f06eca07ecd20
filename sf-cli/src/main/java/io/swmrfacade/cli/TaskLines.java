package io.swmrfacade.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tasks of {@code sf submit --from FILE|-}: one JSON object per line,
 * {@code {"type":"sleep","payload":"0.5","routing_key":"k"}}. {@code type} defaults to
 * {@code --type}; {@code payload} is text, or for {@code append} the JSON object of the append
 * payload itself; {@code routing_key} is optional. Blank lines are skipped. Every line is read and
 * checked before the first task is sent, so a bad line sends nothing; the error names its line.
 */
final class TaskLines {

    /** One task as a line gave it; {@code routingKey} is null when the line has none. */
    record Line(int number, String type, byte[] payload, String routingKey) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("type", "payload", "routing_key");

    private TaskLines() {
    }

    /** Reads every line of {@code in}; {@code source} names it in errors; {@code defaultType} may be null. */
    static List<Line> read(InputStream in, String source, String defaultType) {
        List<Line> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int number = 0;
            for (String text; (text = r.readLine()) != null; ) {
                number++;
                if (!text.isBlank()) {
                    lines.add(parse(number, text, source, defaultType));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--from " + source + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("--from " + source + ": no tasks (expected one JSON object per line)");
        }
        return lines;
    }

    private static Line parse(int number, String text, String source, String defaultType) {
        String where = "--from " + source + " line " + number + ": ";
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + "not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + "expected a JSON object like {\"type\":\"echo\",\"payload\":\"hi\"}");
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(where + "unknown field \"" + f + "\" (known: type, payload, routing_key)");
            }
        });
        String type = n.has("type") ? text(n, "type", where) : defaultType;
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException(where + "no \"type\", and no --type to default to");
        }
        JsonNode p = n.get("payload");
        byte[] payload;
        try {
            if (p == null || p.isNull()) {
                payload = type.equals("append") ? AppendJson.parse("") : new byte[0];
            } else if (p.isTextual()) {
                String s = p.asText();
                payload = type.equals("append") ? AppendJson.parse(s) : s.getBytes(StandardCharsets.UTF_8);
            } else if (p.isObject() && type.equals("append")) {
                payload = AppendJson.parse(p.toString());
            } else {
                throw new IllegalArgumentException("\"payload\" must be a string"
                        + (type.equals("append") ? " or the append object" : ""));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage());
        }
        String key = n.has("routing_key") ? text(n, "routing_key", where) : null;
        return new Line(number, type, payload, key);
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + "\"" + field + "\" must be a string, not " + v);
        }
        return v.asText();
    }
}
