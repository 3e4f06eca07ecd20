package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.TaskRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeferredFirstStartsTest {

    private final AtomicLong now = new AtomicLong();
    private final DeferredFirstStarts deferred = new DeferredFirstStarts(now::get);

    @Test
    void a_start_is_due_at_the_second_tick_after_it_unless_its_task_ended() {
        deferred.add(List.of(task("a", 0), task("b", 0)));
        assertThat(deferred.due()).as("before the delay").isEmpty();
        tick();
        assertThat(deferred.due()).as("first tick: the starts are one delay old at most").isEmpty();
        deferred.add(List.of(task("c", 0)));
        deferred.ended(List.of(task("a", 0)));
        tick();
        assertThat(deferred.due()).extracting(Inflight::id).containsExactly("b");
        tick();
        assertThat(deferred.due()).extracting(Inflight::id).containsExactly("c");
        tick();
        assertThat(deferred.due()).isEmpty();
    }

    @Test
    void starts_on_partitions_given_up_are_taken_at_once_from_both_generations() {
        deferred.add(List.of(task("a", 0), task("b", 1)));
        tick();
        deferred.due();
        deferred.add(List.of(task("c", 0), task("d", 2)));
        assertThat(deferred.takeOn(Set.of(0))).extracting(Inflight::id).containsExactlyInAnyOrder("a", "c");
        tick();
        assertThat(deferred.due()).extracting(Inflight::id).containsExactly("b");
        tick();
        assertThat(deferred.due()).extracting(Inflight::id).containsExactly("d");
    }

    private void tick() {
        now.addAndGet(DeferredFirstStarts.DELAY.toNanos());
    }

    private static Inflight task(String id, int partition) {
        TaskRequest r = TaskRequest.newBuilder().setTaskId(id).setSessionId("s").setType("echo").build();
        return new Inflight(r, new TopicPartition("sf.tasks", partition), 0, 1, 0, 1, 3);
    }
}
