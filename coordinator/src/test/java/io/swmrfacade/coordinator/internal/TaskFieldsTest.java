package io.swmrfacade.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskFieldsTest {

    private final Random random = new Random(11);
    private final TaskFields fields = new TaskFields();

    @Test
    void a_result_and_packed_results_read_as_the_generated_parser_reads_them() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            int packed = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(5);
            TaskResult record;
            if (packed == 0) {
                record = randomResult();
            } else {
                TaskResult.Builder b = TaskResult.newBuilder();
                for (int k = 0; k < packed; k++) {
                    b.addResults(randomResult());
                }
                record = b.build();
            }
            List<TaskResult> seen = new ArrayList<>();
            fields.readResults(fetched(record.toByteArray()), r -> seen.add(TaskResult.newBuilder().setTaskId(r.taskId())
                    .setSessionId(r.sessionId()).setStatusValue(r.code()).setWorkerId(r.workerId()).setFile(r.file())
                    .setRow(r.row()).setType(r.type()).build()));
            List<TaskResult> expected = (packed == 0 ? List.of(record) : record.getResultsList()).stream()
                    .map(r -> TaskResult.newBuilder().setTaskId(r.getTaskId()).setSessionId(r.getSessionId())
                            .setStatusValue(r.getStatusValue()).setWorkerId(r.getWorkerId()).setFile(r.getFile())
                            .setRow(r.getRow()).setType(r.getType()).build())
                    .toList();
            assertThat(seen).isEqualTo(expected);
        }
    }

    private TaskResult randomResult() {
        TaskResult.Builder b = TaskResult.newBuilder();
        if (random.nextBoolean()) {
            b.setTaskId("task-" + random.nextInt()).setSessionId("s-é-" + random.nextInt(3));
        }
        b.setStatusValue(random.nextInt(9)).setOutput(ByteString.copyFrom(bytes())).setError(random.nextBoolean() ? "boom" : "")
                .setAttempts(random.nextInt(4)).setWorkerId("w" + random.nextInt(2)).setFile(random.nextBoolean() ? "/f.h5" : "")
                .setRow(random.nextLong()).setStartedAtUs(random.nextLong()).setFinishedAtUs(random.nextLong())
                .setType(random.nextBoolean() ? "echo" : "push");
        if (random.nextInt(4) == 0) { // a field of a newer writer
            b.setUnknownFields(UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("new")).addVarint(5).build()).build());
        }
        return b.build();
    }

    @Test
    void an_event_and_its_batch_read_as_the_generated_parser_reads_them() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            TaskEvent.Builder b = TaskEvent.newBuilder().setKindValue(random.nextInt(7)).setSequence(random.nextLong())
                    .setAtUs(random.nextLong()).setAttempt(random.nextInt(3)).setStatus(TaskStatus.OK);
            if (random.nextBoolean()) {
                b.setTaskId("t" + random.nextInt()).setType("echo").setWorkerId("w1");
            }
            int n = random.nextInt(5);
            for (int k = 0; k < n; k++) {
                b.addSubmitted(JournaledTask.newBuilder().setTaskId(k == 2 ? "" : "e" + k).setSequence(k).setType(k % 2 == 0 ? "echo" : ""));
            }
            // the session after the batch on the wire, as a writer of another language may put it
            TaskEvent e = b.build();
            byte[] value = concat(e.toByteArray(), TaskEvent.newBuilder().setSessionId("s" + i).build().toByteArray());
            List<JournaledTask> seen = new ArrayList<>();
            fields.readEvent(fetched(value), (id, type) -> seen.add(JournaledTask.newBuilder().setTaskId(id).setType(type).build()));
            TaskEvent parsed = TaskEvent.parseFrom(value);
            assertThat(fields.code()).isEqualTo(parsed.getKindValue());
            assertThat(fields.taskId()).isEqualTo(parsed.getTaskId());
            assertThat(fields.sessionId()).isEqualTo(parsed.getSessionId()).isEqualTo("s" + i);
            assertThat(fields.type()).isEqualTo(parsed.getType());
            assertThat(fields.workerId()).isEqualTo(parsed.getWorkerId());
            List<JournaledTask> expected = parsed.getKind() != TaskEvent.Kind.SUBMITTED_BATCH ? List.of()
                    : parsed.getSubmittedList().stream().map(t -> t.toBuilder().clearSequence().build()).toList();
            assertThat(seen).isEqualTo(expected);
        }
    }

    @Test
    void bytes_that_are_not_a_record_are_refused() throws Exception {
        byte[] truncated = TaskResult.newBuilder().setTaskId("a-long-task-id").build().toByteArray();
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);
        assertThatThrownBy(() -> fields.readResults(java.nio.ByteBuffer.wrap(cut), r -> { })).isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> fields.readEvent(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff}), (id, type) -> { }))
                .isInstanceOf(InvalidProtocolBufferException.class);
        byte[] notUtf8 = {0x0a, 0x02, (byte) 0xc3, 0x28};
        assertThatThrownBy(() -> fields.readResults(java.nio.ByteBuffer.wrap(notUtf8), r -> { })).isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> TaskResult.parseFrom(notUtf8)).isInstanceOf(InvalidProtocolBufferException.class);
        byte[] entry = TaskResult.newBuilder().setTaskId("t").build().toByteArray();
        byte[] cutEntry = java.util.Arrays.copyOf(TaskResult.newBuilder().addResults(TaskResult.parseFrom(entry))
                .addResults(TaskResult.newBuilder().setTaskId("a-long-task-id")).build().toByteArray(), 2 + entry.length + 5);
        List<String> before = new ArrayList<>();
        assertThatThrownBy(() -> fields.readResults(java.nio.ByteBuffer.wrap(cutEntry), r -> before.add(r.taskId())))
                .isInstanceOf(InvalidProtocolBufferException.class);
        assertThat(before).containsExactly("t"); // the entry before the fault was read
    }

    private byte[] bytes() {
        byte[] b = new byte[random.nextInt(200)];
        random.nextBytes(b);
        return b;
    }

    /**
     * {@code value} as the consumer hands it over: a slice of a larger fetch buffer, at an offset
     * into its array, with other records' bytes around it.
     */
    @Test
    void a_session_type_node_and_file_read_again_are_the_same_strings_and_a_changed_one_is_read_anew() throws Exception {
        List<String> seen = new ArrayList<>();
        TaskResult.Builder packed = TaskResult.newBuilder();
        for (String type : List.of("echo", "echo", "push")) {
            packed.addResults(TaskResult.newBuilder().setTaskId("t-" + type).setSessionId("s-1").setType(type).setWorkerId("w-1")
                    .setFile("/f.h5"));
        }
        fields.readResults(fetched(packed.build().toByteArray()), r -> {
            seen.add(r.sessionId());
            seen.add(r.type());
            seen.add(r.workerId());
            seen.add(r.file());
        });
        assertThat(seen).containsExactly("s-1", "echo", "w-1", "/f.h5", "s-1", "echo", "w-1", "/f.h5", "s-1", "push", "w-1", "/f.h5");
        for (int i : new int[] {0, 1, 2, 3}) {
            assertThat(seen.get(4 + i)).isSameAs(seen.get(i));
        }
        assertThat(seen.get(8)).isSameAs(seen.get(0));
        byte[] event = TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED_BATCH).setSessionId("s-1")
                .addSubmitted(JournaledTask.newBuilder().setTaskId("t-1").setType("push")).build().toByteArray();
        List<String> types = new ArrayList<>();
        fields.readEvent(fetched(event), (id, type) -> types.add(type));
        assertThat(fields.sessionId()).isSameAs(seen.get(0));
        assertThat(types.get(0)).isSameAs(seen.get(9));
    }

    private java.nio.ByteBuffer fetched(byte[] value) {
        int before = random.nextInt(9);
        byte[] fetch = new byte[before + value.length + random.nextInt(9)];
        random.nextBytes(fetch);
        System.arraycopy(value, 0, fetch, before, value.length);
        return java.nio.ByteBuffer.wrap(fetch, before, value.length).slice();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
