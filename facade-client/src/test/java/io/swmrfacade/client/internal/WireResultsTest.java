package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The results decoder against the generated parser, on records it builds and on records mangled by hand. */
class WireResultsTest {

    private static final String SESSION = "0190f3a2-1111-7000-8000-000000000001";
    private final WireResults wire = new WireResults(SESSION.getBytes(StandardCharsets.UTF_8));

    /** What the decoder hands on: the results of this session, as the facade keeps them. */
    private List<TaskResult> read(byte[] value) throws InvalidProtocolBufferException {
        List<TaskResult> out = new ArrayList<>();
        wire.read(ByteBuffer.wrap(value), r -> {
            if (r.ofSession()) {
                out.add(r.apply(new TaskId(r.taskId())));
            }
        });
        return out;
    }

    /** What the generated parser makes of the same bytes, converted field by field. */
    private static List<TaskResult> generated(byte[] value) throws InvalidProtocolBufferException {
        io.swmrfacade.proto.v1.TaskResult m = io.swmrfacade.proto.v1.TaskResult.parseFrom(value);
        List<io.swmrfacade.proto.v1.TaskResult> each = m.getResultsCount() == 0 ? List.of(m) : m.getResultsList();
        List<TaskResult> out = new ArrayList<>();
        for (io.swmrfacade.proto.v1.TaskResult r : each) {
            if (r.getSessionId().equals(SESSION)) {
                TaskStatus status = switch (r.getStatus()) {
                    case OK -> TaskStatus.OK;
                    case REJECTED -> TaskStatus.REJECTED;
                    case WORKER_CRASHED -> TaskStatus.WORKER_CRASHED;
                    case EXPIRED -> TaskStatus.EXPIRED;
                    case NOT_SENT -> TaskStatus.NOT_SENT;
                    case CANCELLED -> TaskStatus.CANCELLED;
                    default -> TaskStatus.FAILED;
                };
                out.add(new TaskResult(new TaskId(r.getTaskId()), r.getSequence(), r.getType(), status, r.getOutput().toByteArray(),
                        r.getError(), r.getAttempts(), r.getWorkerId(), r.getFile(), r.getRow()));
            }
        }
        return out;
    }

    private static void assertSame(List<TaskResult> actual, List<TaskResult> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            TaskResult a = actual.get(i);
            TaskResult e = expected.get(i);
            // a record's equals compares the output array by reference: the output by content, and the rest as it is
            assertThat(a.output()).isEqualTo(e.output());
            assertThat(new TaskResult(a.id(), a.sequence(), a.type(), a.status(), e.output(), a.error(), a.attempts(), a.workerId(),
                    a.file(), a.row())).isEqualTo(e);
        }
    }

    private static io.swmrfacade.proto.v1.TaskResult.Builder result(Random rnd, String session) {
        io.swmrfacade.proto.v1.TaskResult.Builder b = io.swmrfacade.proto.v1.TaskResult.newBuilder()
                .setTaskId(TaskId.next().value()).setSessionId(session).setSequence(rnd.nextInt(3) == 0 ? 0 : rnd.nextLong())
                .setStatusValue(rnd.nextInt(9)).setAttempts(rnd.nextInt(4) - 1).setRow(rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(1 << 20))
                .setStartedAtUs(rnd.nextLong()).setFinishedAtUs(rnd.nextLong())
                .setType(List.of("echo", "append", "", "tÿpe ✓").get(rnd.nextInt(4)))
                .setWorkerId(List.of("node-1", "node-2", "").get(rnd.nextInt(3)))
                .setFile(List.of("/data/a.h5", "/data/b.h5", "").get(rnd.nextInt(3)));
        byte[] output = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(300)];
        rnd.nextBytes(output);
        b.setOutput(ByteString.copyFrom(output));
        if (rnd.nextInt(4) == 0) {
            b.setError("handler threw: " + rnd.nextInt());
        }
        return b;
    }

    @Test
    void single_and_packed_records_read_as_the_generated_parser_reads_them() throws Exception {
        Random rnd = new Random(11);
        for (int i = 0; i < 500; i++) {
            byte[] value;
            if (rnd.nextBoolean()) {
                value = result(rnd, rnd.nextInt(5) == 0 ? "another" : SESSION).build().toByteArray();
            } else {
                io.swmrfacade.proto.v1.TaskResult.Builder packed = io.swmrfacade.proto.v1.TaskResult.newBuilder();
                for (int n = 1 + rnd.nextInt(40); n > 0; n--) {
                    packed.addResults(result(rnd, rnd.nextInt(10) == 0 ? "another" : SESSION));
                }
                value = packed.build().toByteArray();
            }
            assertSame(read(value), generated(value));
        }
    }

    @Test
    void a_result_that_repeats_its_type_node_and_file_shares_their_strings() throws Exception {
        Random rnd = new Random(3);
        byte[] value = io.swmrfacade.proto.v1.TaskResult.newBuilder()
                .addResults(result(rnd, SESSION).setType("echo").setWorkerId("node-1").setFile("/data/a.h5"))
                .addResults(result(rnd, SESSION).setType("echo").setWorkerId("node-1").setFile("/data/a.h5"))
                .addResults(result(rnd, SESSION).setType("append").setWorkerId("node-1").clearFile())
                .build().toByteArray();
        List<TaskResult> r = read(value);
        assertThat(r.get(1).type()).isSameAs(r.get(0).type()).isEqualTo("echo");
        assertThat(r.get(1).workerId()).isSameAs(r.get(0).workerId()).isEqualTo("node-1");
        assertThat(r.get(1).file()).isSameAs(r.get(0).file()).isEqualTo("/data/a.h5");
        assertThat(r.get(2).type()).isEqualTo("append");
        assertThat(r.get(2).file()).as("a field left out is empty, not the one before").isEmpty();
    }

    @Test
    void unknown_fields_a_field_given_twice_and_a_field_of_the_wrong_wire_type_read_as_the_generated_parser_reads_them() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(bytes);
        c.writeString(1, TaskId.next().value());
        c.writeString(2, SESSION);
        c.writeString(13, "first");
        c.writeInt64(3, 5);
        c.writeFixed64(10, 99);          // row as a fixed64: not its wire type, so an unknown field
        c.writeString(99, "from a newer writer");
        c.writeInt64(98, 7);
        c.writeFixed32(97, 7);
        c.writeTag(96, com.google.protobuf.WireFormat.WIRETYPE_START_GROUP);
        c.writeString(1, "inside a group");
        c.writeTag(96, com.google.protobuf.WireFormat.WIRETYPE_END_GROUP);
        c.writeString(13, "second");      // the last one wins
        c.writeInt64(3, 6);
        c.writeEnum(4, io.swmrfacade.proto.v1.TaskStatus.CANCELLED_VALUE);
        c.flush();
        byte[] value = bytes.toByteArray();
        List<TaskResult> r = read(value);
        assertSame(r, generated(value));
        assertThat(r.get(0).type()).isEqualTo("second");
        assertThat(r.get(0).sequence()).isEqualTo(6);
        assertThat(r.get(0).row()).isZero();
        assertThat(r.get(0).status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void a_string_that_is_not_utf8_or_a_record_cut_short_is_malformed() throws Exception {
        for (int field : new int[] {1, 6, 8, 9, 13}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(bytes);
            c.writeString(2, SESSION);
            c.writeByteArray(field, new byte[] {'a', (byte) 0xC3, 'b'});
            c.flush();
            byte[] value = bytes.toByteArray();
            assertThatThrownBy(() -> generated(value)).isInstanceOf(InvalidProtocolBufferException.class);
            assertThatThrownBy(() -> read(value)).as("field %d", field).isInstanceOf(InvalidProtocolBufferException.class);
        }
        byte[] whole = result(new Random(5), SESSION).build().toByteArray();
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] value = java.util.Arrays.copyOf(whole, cut);
            try {
                List<TaskResult> expected = generated(value); // a cut between fields is a shorter record
                assertSame(read(value), expected);
            } catch (InvalidProtocolBufferException e) {
                assertThatThrownBy(() -> read(value)).as("cut at %d", cut).isInstanceOf(InvalidProtocolBufferException.class);
            }
        }
    }

    @Test
    void random_bytes_are_malformed_or_read_as_the_generated_parser_reads_them() {
        Random rnd = new Random(7);
        byte[] valid = io.swmrfacade.proto.v1.TaskResult.newBuilder().addResults(result(rnd, SESSION)).addResults(result(rnd, SESSION))
                .build().toByteArray();
        for (int i = 0; i < 5_000; i++) {
            byte[] value = i % 2 == 0 ? new byte[rnd.nextInt(64)] : valid.clone();
            if (i % 2 == 0) {
                rnd.nextBytes(value);
            } else {
                for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
                    value[rnd.nextInt(value.length)] = (byte) rnd.nextInt(256);
                }
            }
            List<TaskResult> expected;
            try {
                expected = generated(value);
            } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                continue; // the decoder may hand on a packed record's results before the fault; nothing to compare
            }
            try {
                assertSame(read(value), expected);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("the generated parser read record " + i + " and the decoder did not", e);
            } catch (IllegalArgumentException e) {
                // a task id TaskId refuses (longer than 36 characters): the reader skips that result alone
            }
        }
    }

    @Test
    void a_value_without_an_array_behind_it_reads_the_same() throws Exception {
        byte[] value = result(new Random(9), SESSION).build().toByteArray();
        ByteBuffer direct = ByteBuffer.allocateDirect(value.length + 3);
        direct.position(3);
        direct.put(value).position(3);
        List<TaskResult> out = new ArrayList<>();
        wire.read(direct.slice(), r -> out.add(r.apply(new TaskId(r.taskId()))));
        assertSame(out, generated(value));
    }
}
