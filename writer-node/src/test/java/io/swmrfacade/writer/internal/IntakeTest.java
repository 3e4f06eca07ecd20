package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Intake without a broker: records come as ConsumerRecords, and what it stages lands in a recording sink. */
class IntakeTest {

    private static final TopicPartition TP = new TopicPartition("sf.tasks", 0);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final OffsetTracker offsets = new OffsetTracker();
    private final KeyGate keys = new KeyGate();
    private final Lanes lanes = new Lanes(type -> 1_000, keys);
    private final Map<String, ProducerRecord<byte[], byte[]>> stored = new HashMap<>();
    private final Map<String, Integer> starts = new HashMap<>();
    private final List<Transactions.Outgoing> staged = new ArrayList<>();
    private final List<Inflight> clears = new ArrayList<>();
    private final List<Outcome> answered = new ArrayList<>();
    private Intake intake;

    private final CancelBook cancels = new CancelBook();

    @BeforeEach
    void setUp() {
        offsets.assigned(List.of(TP), Map.of());
        Intake.Sink sink = new Intake.Sink() {
            @Override
            public void stage(Transactions.Outgoing record) {
                staged.add(record);
            }

            @Override
            public void clearOnCommit(Inflight t) {
                clears.add(t);
            }

            @Override
            public void answered(Outcome o) {
                answered.add(o);
            }
        };
        intake = new Intake(offsets, new ResultRecords(new Topics("sf."), "node-1"), stored::get,
                task -> task.getType().equals("nope") ? "unknown task type 'nope'" : null,
                id -> starts.getOrDefault(id, 0), 3, keys, lanes, sink, new QueueChecks(cancels, CLOCK), CLOCK, new LogContext("[node-1] "),
                WriterMetrics.NONE);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, "k".getBytes(StandardCharsets.UTF_8), value);
    }

    private static byte[] task(String id, String type) {
        return TaskRequest.newBuilder().setTaskId(id).setSessionId("s1").setType(type).build().toByteArray();
    }

    @Test
    void a_record_that_is_not_a_task_is_dead_lettered_and_its_offset_finished() throws Exception {
        intake.take(List.of(record(0, new byte[] {(byte) 0xff, 0x01}), record(1, TaskRequest.newBuilder().setType("echo").build().toByteArray())));
        assertThat(staged).hasSize(2);
        DeadLetter first = DeadLetter.parseFrom(staged.get(0).record().value());
        assertThat(first.getReason()).startsWith("not a TaskRequest");
        assertThat(first.getSourceOffset()).isZero();
        assertThat(DeadLetter.parseFrom(staged.get(1).record().value()).getReason()).contains("task_id and session_id are required");
        assertThat(staged.get(0).source()).isEqualTo(TP);
        assertThat(offsets.committable().get(TP).offset()).isEqualTo(2);
        assertThat(lanes.toRecord()).isEmpty();
    }

    @Test
    void a_task_followed_by_a_stray_end_group_tag_is_dead_lettered_as_a_whole_message_parse_would() throws Exception {
        byte[] valid = task("t1", "echo");
        byte[] withEndGroup = java.util.Arrays.copyOf(valid, valid.length + 1);
        withEndGroup[valid.length] = 0x0c; // field 1, wire type 4 (end group) with no group open
        intake.take(List.of(record(0, withEndGroup)));
        assertThat(staged).singleElement().satisfies(o ->
                assertThat(DeadLetter.parseFrom(o.record().value()).getReason()).startsWith("not a TaskRequest"));
        assertThat(lanes.toRecord()).isEmpty();
    }

    @Test
    void a_payload_is_taken_whole_from_the_record() {
        byte[] payload = new byte[100_000];
        new java.util.Random(7).nextBytes(payload);
        byte[] value = TaskRequest.newBuilder().setTaskId("t1").setSessionId("s1").setType("echo")
                .setPayload(com.google.protobuf.ByteString.copyFrom(payload)).build().toByteArray();
        intake.take(List.of(record(0, value)));
        assertThat(lanes.toRecord()).singleElement().satisfies(t -> assertThat(t.task().getPayload().toByteArray()).isEqualTo(payload));
    }

    @Test
    void a_task_the_file_holds_is_answered_from_the_file_and_never_admitted() {
        ProducerRecord<byte[], byte[]> result = new ProducerRecord<>("sf.results", new byte[] {1});
        stored.put("t1", result);
        intake.take(List.of(record(0, task("t1", "echo"))));
        assertThat(staged).extracting(Transactions.Outgoing::record).containsExactly(result);
        assertThat(clears).extracting(Inflight::id).containsExactly("t1");
        assertThat(lanes.toRecord()).isEmpty();
        assertThat(offsets.open(TP)).isZero();
    }

    @Test
    void a_task_no_handler_takes_is_rejected_without_running() {
        intake.take(List.of(record(0, task("t1", "nope"))));
        assertThat(answered).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(TaskStatus.REJECTED);
            assertThat(o.started()).isFalse();
        });
        assertThat(lanes.toRecord()).isEmpty();
    }

    @Test
    void a_task_with_all_its_starts_used_is_failed_as_worker_crashed_with_a_dead_letter() throws Exception {
        starts.put("t1", 3);
        intake.take(List.of(record(0, task("t1", "echo"))));
        assertThat(answered).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(TaskStatus.WORKER_CRASHED);
            assertThat(new String(o.output(), StandardCharsets.UTF_8)).isEqualTo("worker crashed 3 times on this task");
        });
        assertThat(DeadLetter.parseFrom(staged.get(0).record().value()).getTaskId()).isEqualTo("t1");
    }

    @Test
    void a_task_done_by_the_previous_owner_is_skipped() {
        OffsetTracker previous = new OffsetTracker();
        previous.assigned(List.of(TP), Map.of());
        long epoch = 0;
        for (long o = 0; o < 3; o++) {
            epoch = previous.taken(TP, o);
        }
        previous.finished(TP, epoch, 1);
        offsets.revoked(List.of(TP));
        offsets.assigned(List.of(TP), previous.committable());
        intake.take(List.of(record(0, task("t0", "echo")), record(1, task("t1", "echo")), record(2, task("t2", "echo"))));
        assertThat(lanes.toRecord()).extracting(Inflight::id).containsExactlyInAnyOrder("t0", "t2");
    }

    @Test
    void a_partition_at_its_open_task_bound_keeps_further_records_in_order_until_tasks_finish() {
        List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
        int total = OffsetTracker.MAX_OPEN_PER_PARTITION + 5;
        for (int i = 0; i < total; i++) {
            polled.add(record(i, task("t" + i, "echo")));
        }
        intake.take(polled);
        assertThat(offsets.open(TP)).isEqualTo(OffsetTracker.MAX_OPEN_PER_PARTITION);
        assertThat(intake.backlogged()).containsExactly(TP);
        List<Inflight> admitted = lanes.toRecord();
        for (int i = 0; i < 3; i++) {
            Inflight t = admitted.get(i);
            offsets.finished(t.tp(), t.epoch(), t.offset());
        }
        intake.take(List.of());
        List<Inflight> next = lanes.toRecord();
        assertThat(next).extracting(Inflight::offset).containsExactly(250L, 251L, 252L);
        assertThat(intake.backlogged()).containsExactly(TP);
        intake.forget(List.of(TP));
        assertThat(intake.backlogged()).isEmpty();
    }
}
