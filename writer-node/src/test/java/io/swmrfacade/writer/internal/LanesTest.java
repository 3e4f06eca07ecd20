package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.TaskRequest;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LanesTest {

    private static final TopicPartition TP = new TopicPartition("sf.tasks", 0);
    private long seq;

    private Inflight task(String type, int priorStarts, int priority) {
        TaskRequest r = TaskRequest.newBuilder().setTaskId("t" + seq).setType(type).setPriority(priority).build();
        return new Inflight(r, TP, seq, 1, seq++, priorStarts, 3);
    }

    @Test
    void each_type_runs_at_most_its_limit_and_others_are_not_held_up() {
        Lanes lanes = new Lanes(type -> type.equals("push") ? 3 : 64);
        for (int i = 0; i < 10; i++) {
            lanes.add(task("push", 0, 0));
        }
        lanes.add(task("echo", 0, 0));
        List<Inflight> first = lanes.startable();
        assertThat(first).extracting(t -> t.task().getType()).containsExactlyInAnyOrder("push", "push", "push", "echo");
        assertThat(lanes.startable()).isEmpty();
        lanes.finished(first.get(0).task().getType().equals("push") ? first.get(0) : first.get(1));
        assertThat(lanes.startable()).hasSize(1);
    }

    @Test
    void higher_priority_waits_less() {
        Lanes lanes = new Lanes(type -> 1);
        Inflight running = task("push", 0, 0);
        lanes.add(running);
        assertThat(lanes.startable()).containsExactly(running);
        Inflight low = task("push", 0, 0);
        Inflight high = task("push", 0, 9);
        lanes.add(low);
        lanes.add(high);
        lanes.finished(running);
        assertThat(lanes.startable()).containsExactly(high);
    }

    @Test
    void a_task_on_its_last_allowed_start_waits_for_the_others_then_runs_alone() {
        Lanes lanes = new Lanes(type -> 64);
        Inflight a = task("echo", 0, 0);
        lanes.add(a);
        assertThat(lanes.startable()).containsExactly(a);
        Inflight suspect = task("crash", 2, 0);
        Inflight b = task("echo", 0, 0);
        lanes.add(suspect);
        lanes.add(b);
        assertThat(lanes.startable()).as("nothing starts while the suspect waits for the running task").isEmpty();
        lanes.finished(a);
        assertThat(lanes.startable()).containsExactly(suspect);
        assertThat(lanes.startable()).as("nothing starts beside it").isEmpty();
        lanes.finished(suspect);
        assertThat(lanes.startable()).containsExactly(b);
    }

    @Test
    void earlier_crashes_below_the_last_attempt_do_not_isolate() {
        assertThat(task("x", 1, 0).runsAlone()).isFalse();
        assertThat(task("x", 2, 0).runsAlone()).isTrue();
        assertThat(task("x", 0, 0).runsAlone()).isFalse();
    }
}
