package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.TaskRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TaskQueueTest {

    private static final Comparator<Inflight> ORDER =
            Comparator.comparingInt((Inflight t) -> -t.task().getPriority()).thenComparingLong(Inflight::seq);

    private static Inflight task(long seq, int priority) {
        return new Inflight(TaskRequest.newBuilder().setTaskId("t" + seq).setType("echo").setPriority(priority).build(),
                new TopicPartition("sf.tasks", 0), seq, 1, seq, 0, 3);
    }

    /** Taken in the order a heap takes them: arrival order mostly, with priorities and old tasks coming back mixed in. */
    @Test
    void it_gives_tasks_in_the_order_a_heap_gives_them() {
        Random random = new Random(5);
        TaskQueue queue = new TaskQueue(ORDER);
        PriorityQueue<Inflight> model = new PriorityQueue<>(ORDER);
        List<Inflight> taken = new ArrayList<>();
        long seq = 0;
        for (int i = 0; i < 100_000; i++) {
            int op = random.nextInt(10);
            if (op < 5) {
                Inflight t = task(seq++, random.nextInt(20) == 0 ? random.nextInt(5) - 2 : 0);
                queue.add(t);
                model.add(t);
            } else if (op < 6 && !taken.isEmpty()) {
                Inflight back = taken.remove(random.nextInt(taken.size())); // comes back: older than the tail
                queue.add(back);
                model.add(back);
            } else {
                Inflight t = queue.poll();
                assertThat(t).isSameAs(model.poll());
                if (t != null) {
                    taken.add(t);
                }
            }
            assertThat(queue.size()).isEqualTo(model.size());
            assertThat(queue.isEmpty()).isEqualTo(model.isEmpty());
        }
        assertThat(queue.all()).containsExactlyInAnyOrderElementsOf(model);
        queue.clear();
        assertThat(queue.poll()).isNull();
    }
}
