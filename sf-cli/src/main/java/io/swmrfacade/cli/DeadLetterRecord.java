package io.swmrfacade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.proto.v1.TaskRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One record of the dead-letter topic as {@code sf dead-letters} shows it: its id
 * ({@code PARTITION-OFFSET} on the dead-letter topic, which never changes and is what
 * {@code sf dead-letters replay} takes), the {@link DeadLetter} it holds, and the original task
 * decoded when its bytes parse as a {@link TaskRequest}.
 */
record DeadLetterRecord(DeadLetterId id, DeadLetter letter, TaskRequest task) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEXT_HEX_BYTES = 64;

    static DeadLetterRecord of(int partition, long offset, byte[] value) {
        DeadLetterId id = new DeadLetterId(partition, offset);
        DeadLetter letter;
        try {
            letter = DeadLetter.parseFrom(value == null ? new byte[0] : value);
        } catch (InvalidProtocolBufferException e) {
            // Not even a DeadLetter: show the record itself, so that nothing on the topic is hidden.
            letter = DeadLetter.newBuilder().setReason("the dead-letter record itself does not parse: " + e.getMessage())
                    .setValue(com.google.protobuf.ByteString.copyFrom(value == null ? new byte[0] : value)).build();
        }
        return new DeadLetterRecord(id, letter, parseTask(letter.getValue().toByteArray()));
    }

    /** The bytes as a TaskRequest with a type, or null: garbage often parses as an empty message. */
    static TaskRequest parseTask(byte[] value) {
        try {
            TaskRequest t = TaskRequest.parseFrom(value);
            return t.getType().isEmpty() ? null : t;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    Instant at() {
        return Instant.EPOCH.plusNanos(letter.getAtUs() * 1000);
    }

    String source() {
        return letter.getSourceTopic() + "-" + letter.getSourcePartition() + "@" + letter.getSourceOffset();
    }

    /** One line for people: id, time, source record, reason, then the value decoded or its first bytes in hex. */
    String line() {
        StringBuilder b = new StringBuilder();
        b.append(id).append("  ").append(at()).append("  from ").append(source());
        if (!letter.getWorkerId().isEmpty()) {
            b.append("  worker ").append(letter.getWorkerId());
        }
        if (!letter.getTaskId().isEmpty()) {
            b.append("  task ").append(letter.getTaskId());
        }
        b.append("  reason: ").append(letter.getReason().replace('\n', ' '));
        byte[] key = letter.getKey().toByteArray();
        if (key.length > 0) {
            b.append("  key ").append(text(key) != null ? "'" + text(key) + "'" : HexFormat.of().formatHex(key));
        }
        byte[] value = letter.getValue().toByteArray();
        if (task != null) {
            b.append("  value: TaskRequest type=").append(task.getType()).append(" task=").append(task.getTaskId())
                    .append(" session=").append(task.getSessionId()).append(" payload ").append(task.getPayload().size())
                    .append(" bytes");
        } else {
            b.append("  value (").append(value.length).append(" bytes, hex): ")
                    .append(HexFormat.ofDelimiter(" ").formatHex(value, 0, Math.min(value.length, TEXT_HEX_BYTES)));
            if (value.length > TEXT_HEX_BYTES) {
                b.append(" ...");
            }
        }
        return b.toString();
    }

    /** One JSON object, every byte included (hex), for scripts. */
    ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id.toString());
        o.put("at", at().toString());
        ObjectNode source = o.putObject("source");
        source.put("topic", letter.getSourceTopic());
        source.put("partition", letter.getSourcePartition());
        source.put("offset", letter.getSourceOffset());
        o.put("worker", letter.getWorkerId());
        o.put("task", letter.getTaskId());
        o.put("reason", letter.getReason());
        o.put("key_hex", HexFormat.of().formatHex(letter.getKey().toByteArray()));
        o.put("value_hex", HexFormat.of().formatHex(letter.getValue().toByteArray()));
        if (task == null) {
            o.putNull("task_request");
        } else {
            ObjectNode t = o.putObject("task_request");
            t.put("type", task.getType());
            t.put("task_id", task.getTaskId());
            t.put("session_id", task.getSessionId());
            t.put("payload_hex", HexFormat.of().formatHex(task.getPayload().toByteArray()));
            String text = text(task.getPayload().toByteArray());
            if (text != null) {
                t.put("payload_text", text);
            }
        }
        return o;
    }

    /** The bytes as UTF-8 text when they are that and printable, else null. */
    private static String text(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return s.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f) ? s : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
