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

    /** Records what the lanes allow, acknowledges it, and returns what may run now. */
    private static List<Inflight> start(Lanes lanes) {
        lanes.recorded(lanes.toRecord());
        return lanes.runnable();
    }

    @Test
    void each_type_runs_at_most_its_limit_and_others_are_not_held_up() {
        Lanes lanes = new Lanes(type -> type.equals("push") ? 3 : 64);
        for (int i = 0; i < 10; i++) {
            lanes.add(task("push", 0, 0));
        }
        lanes.add(task("echo", 0, 0));
        List<Inflight> first = start(lanes);
        assertThat(first).extracting(t -> t.task().getType()).containsExactlyInAnyOrder("push", "push", "push", "echo");
        assertThat(start(lanes)).isEmpty();
        assertThat(lanes.running()).isEqualTo(4);
        lanes.finished(first.get(0).task().getType().equals("push") ? first.get(0) : first.get(1));
        assertThat(start(lanes)).hasSize(1);
        assertThat(lanes.runningByType()).containsEntry("push", 3);
    }

    @Test
    void starts_are_recorded_up_to_one_limit_ahead_and_run_only_once_recorded() {
        Lanes lanes = new Lanes(type -> 2);
        for (int i = 0; i < 6; i++) {
            lanes.add(task("push", 0, 0));
        }
        List<Inflight> recording = lanes.toRecord();
        assertThat(recording).as("the limit, and the limit again ahead").hasSize(4);
        assertThat(lanes.runnable()).as("nothing runs before its start is recorded").isEmpty();
        assertThat(lanes.toRecord()).isEmpty();
        lanes.recorded(recording);
        List<Inflight> running = lanes.runnable();
        assertThat(running).containsExactly(recording.get(0), recording.get(1));
        assertThat(lanes.running()).isEqualTo(2);
        assertThat(lanes.inFlight()).isEqualTo(4);
        lanes.finished(running.get(0));
        assertThat(lanes.runnable()).containsExactly(recording.get(2));
        assertThat(lanes.toRecord()).hasSize(1);
    }

    @Test
    void unrecorded_starts_wait_again_and_close_hands_back_what_never_ran() {
        Lanes lanes = new Lanes(type -> 1);
        Inflight a = task("push", 0, 0);
        Inflight b = task("push", 0, 0);
        Inflight c = task("push", 0, 0);
        lanes.add(a);
        lanes.add(b);
        lanes.add(c);
        List<Inflight> recording = lanes.toRecord();
        assertThat(recording).containsExactly(a, b);
        lanes.unrecorded(List.of(b));
        lanes.recorded(List.of(a));
        assertThat(lanes.runnable()).containsExactly(a);
        assertThat(lanes.toRecord()).as("b again, ahead of c").containsExactly(b);
        lanes.recorded(List.of(b));
        assertThat(lanes.close()).as("c was waiting").isEqualTo(1);
        assertThat(lanes.runnable()).isEmpty();
        assertThat(lanes.takeReady()).containsExactly(b);
        lanes.finished(a);
        assertThat(lanes.inFlight()).isZero();
    }

    @Test
    void higher_priority_waits_less() {
        Lanes lanes = new Lanes(type -> 1);
        Inflight running = task("push", 0, 0);
        lanes.add(running);
        assertThat(start(lanes)).containsExactly(running);
        Inflight low = task("push", 0, 0);
        Inflight high = task("push", 0, 9);
        lanes.add(low);
        lanes.add(high);
        lanes.finished(running);
        assertThat(start(lanes)).containsExactly(high);
    }

    @Test
    void a_task_on_its_last_allowed_start_waits_for_the_others_then_runs_alone() {
        Lanes lanes = new Lanes(type -> 64);
        Inflight a = task("echo", 0, 0);
        lanes.add(a);
        assertThat(start(lanes)).containsExactly(a);
        Inflight suspect = task("crash", 2, 0);
        Inflight b = task("echo", 0, 0);
        lanes.add(suspect);
        lanes.add(b);
        assertThat(lanes.toRecord()).as("nothing starts while the suspect waits for the running task").isEmpty();
        lanes.finished(a);
        assertThat(start(lanes)).containsExactly(suspect);
        assertThat(lanes.toRecord()).as("nothing starts beside it").isEmpty();
        lanes.finished(suspect);
        assertThat(start(lanes)).containsExactly(b);
    }

    private Inflight keyed(String type, String key, int priorStarts, int priority) {
        TaskRequest r = TaskRequest.newBuilder().setTaskId("t" + seq).setType(type).setPriority(priority).setRoutingKey(key).build();
        return new Inflight(r, TP, seq, 1, seq++, priorStarts, 3);
    }

    private static void admit(KeyGate keys, Lanes lanes, Inflight t) {
        if (keys.admit(t)) {
            lanes.add(t);
        }
    }

    /** What the loop does when a task ends: free its slot and its key. */
    private static void end(KeyGate keys, Lanes lanes, Inflight t) {
        lanes.finished(t);
        Inflight next = keys.release(t);
        if (next != null) {
            lanes.add(next);
        }
    }

    @Test
    void tasks_of_one_key_are_recorded_ahead_but_run_one_at_a_time_in_order() {
        KeyGate keys = new KeyGate();
        Lanes lanes = new Lanes(type -> 64, keys);
        List<Inflight> stream = new java.util.ArrayList<>();
        for (int i = 0; i < KeyGate.AHEAD + 2; i++) {
            stream.add(keyed("append", "/s/Ex", 0, 0));
            admit(keys, lanes, stream.get(i));
        }
        List<Inflight> recording = lanes.toRecord();
        assertThat(recording).as("the key's window is recorded at once").containsExactlyElementsOf(stream.subList(0, KeyGate.AHEAD));
        lanes.recorded(recording);
        for (int i = 0; i < KeyGate.AHEAD + 2; i++) {
            assertThat(lanes.runnable()).as("task %s runs alone of its key", i).containsExactly(stream.get(i));
            assertThat(lanes.runnable()).isEmpty();
            end(keys, lanes, stream.get(i));
            if (i == 0) {
                assertThat(lanes.toRecord()).as("the window moved on by one").containsExactly(stream.get(KeyGate.AHEAD));
                lanes.recorded(List.of(stream.get(KeyGate.AHEAD)));
            } else if (i == 1) {
                List<Inflight> last = lanes.toRecord();
                assertThat(last).containsExactly(stream.get(KeyGate.AHEAD + 1));
                lanes.recorded(last);
            }
        }
        assertThat(lanes.inFlight()).isZero();
    }

    @Test
    void a_later_task_of_a_key_is_not_recorded_before_an_earlier_one_of_lower_priority() {
        KeyGate keys = new KeyGate();
        Lanes lanes = new Lanes(type -> 1, keys);
        Inflight first = keyed("append", "k", 0, 0);
        Inflight urgent = keyed("append", "k", 0, 9);
        admit(keys, lanes, first);
        admit(keys, lanes, urgent);
        assertThat(lanes.toRecord()).containsExactly(first);
        assertThat(lanes.toRecord()).containsExactly(urgent);
        lanes.recorded(List.of(urgent));
        assertThat(lanes.runnable()).as("not before the first of its key ran").isEmpty();
        lanes.recorded(List.of(first));
        assertThat(lanes.runnable()).containsExactly(first);
        end(keys, lanes, first);
        assertThat(lanes.runnable()).containsExactly(urgent);
    }

    @Test
    void a_suspect_behind_a_task_of_its_key_waits_for_it_then_runs_alone() {
        KeyGate keys = new KeyGate();
        Lanes lanes = new Lanes(type -> 64, keys);
        Inflight before = keyed("append", "k", 0, 0);
        Inflight suspect = keyed("append", "k", 2, 0);
        admit(keys, lanes, before);
        admit(keys, lanes, suspect);
        assertThat(start(lanes)).as("the task ahead of the suspect goes first").containsExactly(before);
        assertThat(lanes.toRecord()).isEmpty();
        end(keys, lanes, before);
        assertThat(start(lanes)).containsExactly(suspect);
    }

    @Test
    void a_waiting_suspect_does_not_stall_a_key_whose_first_start_record_failed() {
        KeyGate keys = new KeyGate();
        Lanes lanes = new Lanes(type -> 64, keys);
        Inflight k1 = keyed("append", "k", 0, 0);
        Inflight k2 = keyed("append", "k", 0, 0);
        admit(keys, lanes, k1);
        admit(keys, lanes, k2);
        assertThat(lanes.toRecord()).containsExactly(k1, k2);
        lanes.unrecorded(List.of(k1));
        lanes.recorded(List.of(k2));
        assertThat(lanes.runnable()).as("k2 waits for k1").isEmpty();
        Inflight suspect = task("crash", 2, 0);
        lanes.add(suspect);
        assertThat(lanes.toRecord()).as("k1 is recorded again, or parked k2 would hold the suspect back forever").containsExactly(k1);
        lanes.recorded(List.of(k1));
        assertThat(lanes.runnable()).containsExactly(k1);
        end(keys, lanes, k1);
        assertThat(lanes.runnable()).containsExactly(k2);
        assertThat(lanes.toRecord()).as("the suspect waits for k2 to end").isEmpty();
        end(keys, lanes, k2);
        assertThat(start(lanes)).containsExactly(suspect);
    }

    @Test
    void a_task_the_pool_could_not_take_is_ready_again() {
        Lanes lanes = new Lanes(type -> 1);
        Inflight a = task("push", 0, 0);
        lanes.add(a);
        assertThat(start(lanes)).containsExactly(a);
        lanes.unrun(a);
        assertThat(lanes.running()).isZero();
        assertThat(lanes.runnable()).containsExactly(a);
    }

    @Test
    void earlier_crashes_below_the_last_attempt_do_not_isolate() {
        assertThat(task("x", 1, 0).runsAlone()).isFalse();
        assertThat(task("x", 2, 0).runsAlone()).isTrue();
        assertThat(task("x", 0, 0).runsAlone()).isFalse();
    }

    @Test
    void remove_waiting_takes_only_matching_waiting_tasks_also_from_the_alone_queue_and_keeps_their_order() {
        Lanes lanes = new Lanes(type -> 1);
        Inflight a = task("push", 0, 0);
        Inflight b = task("push", 0, 0);
        Inflight c = task("push", 0, 5);
        Inflight d = task("push", 0, 0);
        Inflight suspect = task("push", 2, 0);
        for (Inflight t : List.of(a, b, c, d, suspect)) {
            lanes.add(t);
        }
        assertThat(lanes.removeWaiting(t -> t == b || t == suspect)).containsExactlyInAnyOrder(b, suspect);
        List<Inflight> recording = lanes.toRecord();
        assertThat(recording).as("the limit and the limit again ahead, by priority").containsExactly(c, a);
        assertThat(lanes.removeWaiting(t -> true)).as("recording tasks stay; the waiting one goes").containsExactly(d);
        assertThat(lanes.inFlight()).isEqualTo(2);
    }

    @Test
    void tasks_left_after_a_removal_start_in_priority_order() {
        Lanes lanes = new Lanes(type -> 1);
        Inflight low = task("push", 0, 0);
        Inflight gone = task("push", 0, 9);
        Inflight high = task("push", 0, 5);
        lanes.add(low);
        lanes.add(gone);
        lanes.add(high);
        assertThat(lanes.removeWaiting(t -> t == gone)).containsExactly(gone);
        assertThat(lanes.toRecord()).containsExactly(high, low);
    }
}
