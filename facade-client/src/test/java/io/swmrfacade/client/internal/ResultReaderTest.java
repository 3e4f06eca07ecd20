package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.topology.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The conversion of wire results, without a broker. */
class ResultReaderTest {

    private final String session = TaskId.next().value();
    private final java.util.List<TaskResult> seen = new java.util.ArrayList<>();
    private final ResultReader reader = new ResultReader(null, new Topics("sf."), new SessionId(session), false,
            Duration.ofSeconds(1), new SessionLedger(true, seen::add));
    private long offset;

    /** Hands the reader one record of this session, as the consumer does; returns the results it completed. */
    private java.util.List<TaskResult> read(byte[] value) {
        int before = seen.size();
        reader.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("sf.results", 0, offset++,
                java.nio.ByteBuffer.wrap(session.getBytes(java.nio.charset.StandardCharsets.UTF_8)), java.nio.ByteBuffer.wrap(value)));
        return java.util.List.copyOf(seen.subList(before, seen.size()));
    }

    private TaskResult convert(String type, String worker, String file) {
        byte[] wire = io.swmrfacade.proto.v1.TaskResult.newBuilder().setTaskId(TaskId.next().value()).setSessionId(session)
                .setSequence(1).setType(type).setStatus(io.swmrfacade.proto.v1.TaskStatus.OK).setWorkerId(worker).setFile(file)
                .setRow(7).build().toByteArray();
        java.util.List<TaskResult> read = read(wire);
        assertThat(read).hasSize(1);
        return read.get(0);
    }

    @Test
    void a_result_read_from_the_consumers_buffer_keeps_its_output_after_the_buffer_changes() {
        java.util.List<TaskResult> seen = new java.util.ArrayList<>();
        ResultReader viewing = new ResultReader(null, new Topics("sf."), new SessionId(session), false, Duration.ofSeconds(1),
                new SessionLedger(true, seen::add));
        String id = TaskId.next().value();
        byte[] wire = io.swmrfacade.proto.v1.TaskResult.newBuilder().setTaskId(id).setSessionId(session).setSequence(1)
                .setType("echo").setStatus(io.swmrfacade.proto.v1.TaskStatus.OK).setWorkerId("node-1")
                .setOutput(com.google.protobuf.ByteString.copyFromUtf8("hello")).build().toByteArray();
        // As Kafka hands a value over: a slice of a larger fetch buffer, at an offset into its array.
        byte[] fetched = new byte[wire.length + 20];
        System.arraycopy(wire, 0, fetched, 7, wire.length);
        java.nio.ByteBuffer value = java.nio.ByteBuffer.wrap(fetched, 7, wire.length).slice();
        viewing.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("sf.results", 0, 1L,
                java.nio.ByteBuffer.wrap(TaskId.next().value().getBytes(java.nio.charset.StandardCharsets.UTF_8)), value));
        assertThat(seen).as("another session's record on the same partition").isEmpty();
        viewing.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("sf.results", 0, 2L, null, value));
        assertThat(seen).as("a record without a key").isEmpty();
        byte[] keyed = ("xx" + session).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        viewing.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("sf.results", 0, 3L,
                java.nio.ByteBuffer.wrap(keyed, 2, keyed.length - 2).slice(), value));
        java.util.Arrays.fill(fetched, (byte) 0); // the consumer's next fetch owes the old buffer nothing
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).id().value()).isEqualTo(id);
        assertThat(new String(seen.get(0).output(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(seen.get(0).workerId()).isEqualTo("node-1");
    }

    @Test
    void results_that_repeat_a_type_node_and_file_share_those_strings_and_others_keep_their_own() {
        TaskResult a = convert("echo", "node-1", "/data/a.h5");
        TaskResult b = convert("echo", "node-1", "/data/a.h5");
        assertThat(b.type()).isSameAs(a.type());
        assertThat(b.workerId()).isSameAs(a.workerId());
        assertThat(b.file()).isSameAs(a.file());
        TaskResult c = convert("append", "node-2", "/data/b.h5");
        assertThat(c.type()).isEqualTo("append");
        assertThat(c.workerId()).isEqualTo("node-2");
        assertThat(c.file()).isEqualTo("/data/b.h5");
        assertThat(c.status()).isEqualTo(TaskStatus.OK);
        assertThat(c.row()).isEqualTo(7);
        assertThat(a.type()).isEqualTo("echo");
        assertThat(a.file()).isEqualTo("/data/a.h5");
    }
    @Test
    void each_result_of_a_packed_record_completes_its_task_and_one_of_another_session_or_without_an_id_is_skipped() {
        java.util.List<TaskResult> seen = new java.util.ArrayList<>();
        ResultReader packedReader = new ResultReader(null, new Topics("sf."), new SessionId(session), false, Duration.ofSeconds(1),
                new SessionLedger(true, seen::add));
        String a = TaskId.next().value();
        String b = TaskId.next().value();
        io.swmrfacade.proto.v1.TaskResult.Builder packed = io.swmrfacade.proto.v1.TaskResult.newBuilder();
        for (String id : java.util.List.of(a, "", TaskId.next().value(), b)) {
            packed.addResults(io.swmrfacade.proto.v1.TaskResult.newBuilder().setTaskId(id)
                    .setSessionId(id.isEmpty() || id.equals(a) || id.equals(b) ? session : "another")
                    .setType("echo").setStatus(io.swmrfacade.proto.v1.TaskStatus.OK));
        }
        byte[] key = session.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        packedReader.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("sf.results", 0, 1L,
                java.nio.ByteBuffer.wrap(key), java.nio.ByteBuffer.wrap(packed.build().toByteArray())));
        assertThat(seen).extracting(r -> r.id().value()).containsExactly(a, b);
    }
}
