package io.swmrfacade.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.topology.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class StateTableTest {

    private static final Topics TOPICS = new Topics("t.");
    private static final String SESSION = "session-1";

    private final StateTable table = new StateTable(TOPICS, Clock.systemUTC(), 5_000, 10);

    @Test
    void counts_stay_exact_while_finished_tasks_leave_the_table() {
        TaskStatus[] statuses = {TaskStatus.OK, TaskStatus.OK, TaskStatus.FAILED, TaskStatus.REJECTED};
        for (int i = 0; i < 1_000; i++) {
            table.apply(submitted("task-" + i));
        }
        for (int i = 0; i < 1_000; i++) {
            table.apply(result("task-" + i, statuses[i % 4]));
        }
        Summary s = table.summary();
        assertThat(s.tasks()).isEqualTo(1_000);
        assertThat(s.byState()).isEqualTo(Map.of("OK", 500L, "FAILED", 250L, "REJECTED", 250L));
        assertThat(s.tasksHeld()).isEqualTo(10);
        assertThat(s.tasksForgotten()).isEqualTo(990);
        assertThat(table.task("task-0")).isNull();
        assertThat(table.task("task-989")).isNull();
        assertThat(table.task("task-999")).isEqualTo(new TaskState("task-999", SESSION, "echo", "REJECTED", "w1", "/f.h5", 999));
        assertThat(table.task("task-990").state()).isEqualTo("FAILED");
    }

    @Test
    void counts_stay_exact_with_uuid_task_ids_as_clients_make_them() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ids.add(java.util.UUID.randomUUID().toString());
            table.apply(submitted(ids.get(i)));
        }
        for (int i = 0; i < 4_000; i++) {
            table.apply(result(ids.get(i), i % 2 == 0 ? TaskStatus.OK : TaskStatus.FAILED));
            table.apply(submitted(ids.get(i)));
        }
        assertThat(table.summary().byState()).isEqualTo(Map.of("OK", 2_000L, "FAILED", 2_000L, "SUBMITTED", 1_000L));
        assertThat(table.summary().tasksHeld()).isEqualTo(1_000 + 10);
        assertThat(table.task(ids.get(0))).isNull();
        assertThat(table.task(ids.get(3_999))).extracting(TaskState::taskId, TaskState::state).containsExactly(ids.get(3_999), "FAILED");
        assertThat(table.task(ids.get(4_000)).state()).isEqualTo("SUBMITTED");
        assertThat(table.task(ids.get(4_000).toUpperCase())).isNull();
    }

    @Test
    void every_open_task_stays_however_many_finish() {
        for (int i = 0; i < 50; i++) {
            table.apply(submitted("open-" + i));
        }
        table.apply(started("open-7", "w2"));
        for (int i = 0; i < 500; i++) {
            table.apply(result("done-" + i, TaskStatus.OK));
        }
        assertThat(table.summary().byState()).isEqualTo(Map.of("SUBMITTED", 49L, "RUNNING", 1L, "OK", 500L));
        assertThat(table.summary().tasksHeld()).isEqualTo(50 + 10);
        for (int i = 0; i < 50; i++) {
            assertThat(table.task("open-" + i)).as("open-" + i).isNotNull();
        }
        assertThat(table.task("open-7").workerId()).isEqualTo("w2");
    }

    @Test
    void a_result_before_its_journal_entry_is_final_and_counted_once() {
        table.apply(result("a", TaskStatus.OK));
        table.apply(submitted("a"));
        table.apply(started("a", "w9"));
        assertThat(table.summary().tasks()).isEqualTo(1);
        assertThat(table.summary().byState()).isEqualTo(Map.of("OK", 1L));
        assertThat(table.task("a").state()).isEqualTo("OK");
        assertThat(table.task("a").workerId()).isEqualTo("w1");
    }

    @Test
    void a_late_journal_entry_finds_its_result_after_many_journaled_tasks_finished() {
        table.apply(result("early", TaskStatus.OK));
        for (int i = 0; i < 200; i++) {
            table.apply(submitted("task-" + i));
            table.apply(result("task-" + i, TaskStatus.OK));
        }
        table.apply(submitted("early"));
        assertThat(table.summary().tasks()).isEqualTo(201);
        assertThat(table.summary().byState()).isEqualTo(Map.of("OK", 201L));
        assertThat(table.task("early").state()).isEqualTo("OK");
    }

    @Test
    void results_without_a_journal_entry_are_bounded_too() {
        for (int i = 0; i < 100; i++) {
            table.apply(result("orphan-" + i, TaskStatus.EXPIRED));
        }
        assertThat(table.summary().tasks()).isEqualTo(100);
        assertThat(table.summary().byState()).isEqualTo(Map.of("EXPIRED", 100L));
        assertThat(table.summary().tasksHeld()).isEqualTo(10);
        assertThat(table.summary().tasksForgotten()).isEqualTo(90);
    }

    @Test
    void started_moves_a_task_to_running_and_nothing_moves_it_back() {
        table.apply(submitted("a"));
        table.apply(started("a", "w2"));
        table.apply(submitted("a"));
        assertThat(table.task("a").state()).isEqualTo("RUNNING");
        table.apply(started("b", "w2"));
        table.apply(submitted("b"));
        assertThat(table.summary().byState()).isEqualTo(Map.of("RUNNING", 2L));
        table.apply(result("a", TaskStatus.WORKER_CRASHED));
        table.apply(started("a", "w3"));
        assertThat(table.summary().byState()).isEqualTo(Map.of("RUNNING", 1L, "WORKER_CRASHED", 1L));
        assertThat(table.summary().tasks()).isEqualTo(2);
    }

    @Test
    void a_journal_batch_opens_each_of_its_tasks_with_the_batch_session() {
        TaskEvent batch = TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED_BATCH).setSessionId("s-batch").setAtUs(5)
                .addSubmitted(JournaledTask.newBuilder().setTaskId("x").setSequence(1).setType("echo"))
                .addSubmitted(JournaledTask.newBuilder().setTaskId("").setSequence(2).setType("echo"))
                .addSubmitted(JournaledTask.newBuilder().setTaskId("y").setSequence(3).setType("push"))
                .addSubmitted(JournaledTask.newBuilder().setTaskId("x").setSequence(1).setType("echo"))
                .build();
        table.apply(record(TOPICS.events(), batch.toByteArray()));
        assertThat(table.summary().byState()).isEqualTo(Map.of("SUBMITTED", 2L));
        assertThat(table.task("y")).isEqualTo(new TaskState("y", "s-batch", "push", "SUBMITTED", "", "", -1));
        assertThat(table.malformed()).as("the entry without a task id").isEqualTo(1);
        table.apply(result("x", TaskStatus.OK));
        table.apply(record(TOPICS.events(), batch.toByteArray()));
        assertThat(table.summary().byState()).isEqualTo(Map.of("SUBMITTED", 1L, "OK", 1L));
    }

    @Test
    void a_second_result_replaces_the_first_and_the_task_is_counted_once() {
        table.apply(submitted("a"));
        table.apply(result("a", TaskStatus.REJECTED));
        table.apply(result("a", TaskStatus.OK));
        assertThat(table.summary().byState()).isEqualTo(Map.of("OK", 1L));
        assertThat(table.summary().tasksHeld()).isEqualTo(1);
    }

    @Test
    void malformed_records_are_counted_and_change_nothing() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        table.apply(record(TOPICS.events(), garbage));
        table.apply(record(TOPICS.results(), garbage));
        table.apply(record(TOPICS.heartbeats(), garbage));
        table.apply(record(TOPICS.results(), TaskResult.newBuilder().setStatus(TaskStatus.OK).build().toByteArray()));
        table.apply(record(TOPICS.events(), TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED).build().toByteArray()));
        table.apply(record(TOPICS.events(), TaskEvent.newBuilder().setKind(TaskEvent.Kind.COMPLETED).setTaskId("c").build().toByteArray()));
        table.apply(record("elsewhere", garbage));
        table.apply(record(TOPICS.results(), null));
        table.apply(record(TOPICS.deadLetter(), null));
        assertThat(table.malformed()).isEqualTo(6);
        assertThat(table.summary().deadLetters()).isEqualTo(1);
        assertThat(table.summary().tasks()).isZero();
        assertThat(table.summary().byState()).isEmpty();
    }

    @Test
    void each_result_of_a_packed_record_is_folded_and_one_without_an_id_is_counted_malformed() throws Exception {
        table.apply(submitted("p1"));
        table.apply(submitted("p2"));
        TaskResult.Builder packed = TaskResult.newBuilder();
        for (var r : List.of(result("p1", TaskStatus.OK), result("p2", TaskStatus.FAILED), result("p3", TaskStatus.OK))) {
            packed.addResults(TaskResult.parseFrom(r.value()));
        }
        packed.addResults(TaskResult.newBuilder().setSessionId(SESSION).setStatus(TaskStatus.OK));
        table.apply(record(TOPICS.results(), packed.build().toByteArray()));
        assertThat(table.task("p1").state()).isEqualTo("OK");
        assertThat(table.task("p2").state()).isEqualTo("FAILED");
        assertThat(table.task("p3").row()).isEqualTo(3);
        assertThat(table.summary().byState()).isEqualTo(Map.of("OK", 2L, "FAILED", 1L));
        assertThat(table.malformed()).isEqualTo(1);
    }

    @Test
    void keeping_no_finished_task_still_counts_them_all() {
        StateTable none = new StateTable(TOPICS, Clock.systemUTC(), 5_000, 0);
        none.apply(submitted("a"));
        none.apply(result("a", TaskStatus.OK));
        none.apply(result("b", TaskStatus.CANCELLED));
        none.apply(submitted("c"));
        assertThat(none.task("a")).isNull();
        assertThat(none.task("c").state()).isEqualTo("SUBMITTED");
        assertThat(none.summary()).satisfies(s -> {
            assertThat(s.tasks()).isEqualTo(3);
            assertThat(s.byState()).isEqualTo(Map.of("OK", 1L, "CANCELLED", 1L, "SUBMITTED", 1L));
            assertThat(s.tasksHeld()).isEqualTo(1);
            assertThat(s.tasksForgotten()).isEqualTo(2);
        });
    }

    @Test
    void a_negative_number_of_finished_tasks_kept_is_refused_by_name() {
        assertThatThrownBy(() -> new StateTable(TOPICS, Clock.systemUTC(), 5_000, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("finishedKept must be at least 0, not -1");
    }

    static ConsumerRecord<byte[], java.nio.ByteBuffer> submitted(String id) {
        return record(TOPICS.events(), TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED).setTaskId(id).setSessionId(SESSION)
                .setType("echo").setAtUs(1).build().toByteArray());
    }

    static ConsumerRecord<byte[], java.nio.ByteBuffer> started(String id, String worker) {
        return record(TOPICS.events(), TaskEvent.newBuilder().setKind(TaskEvent.Kind.STARTED).setTaskId(id).setSessionId(SESSION)
                .setType("echo").setWorkerId(worker).build().toByteArray());
    }

    static ConsumerRecord<byte[], java.nio.ByteBuffer> result(String id, TaskStatus status) {
        int n = id.chars().filter(Character::isDigit).reduce(0, (a, c) -> a * 10 + c - '0');
        return record(TOPICS.results(), TaskResult.newBuilder().setTaskId(id).setSessionId(SESSION).setStatus(status)
                .setWorkerId("w1").setFile("/f.h5").setRow(n).setType("echo").build().toByteArray());
    }

    static ConsumerRecord<byte[], java.nio.ByteBuffer> record(String topic, byte[] value) {
        return new ConsumerRecord<>(topic, 0, 0, null, value == null ? null : java.nio.ByteBuffer.wrap(value));
    }
}
