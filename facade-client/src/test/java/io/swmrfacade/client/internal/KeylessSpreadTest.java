package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeylessSpreadTest {

    @Test
    void keyless_tasks_go_to_one_partition_per_run_of_16_KiB_then_to_the_next_round_the_topic() {
        KeylessSpread spread = new KeylessSpread(() -> 3);
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 3 * 164 + 1; i++) {
            chosen.add(spread.next(100));
        }
        // 164 tasks of 100 bytes fill a run (16,400 >= 16,384 bytes); the 165th starts the next partition.
        int first = chosen.get(0);
        assertThat(chosen.subList(0, 164)).containsOnly(first);
        assertThat(chosen.subList(164, 328)).containsOnly((first + 1) % 3);
        assertThat(chosen.subList(328, 492)).containsOnly((first + 2) % 3);
        assertThat(chosen.get(492)).isEqualTo(first);
    }

    @Test
    void a_task_larger_than_a_run_has_a_run_to_itself() {
        KeylessSpread spread = new KeylessSpread(() -> 2);
        int a = spread.next(256 * 1024);
        int b = spread.next(256 * 1024);
        int c = spread.next(10);
        assertThat(b).isNotEqualTo(a);
        assertThat(c).isEqualTo(a);
    }

    @Test
    void the_partition_count_is_asked_until_it_is_known_and_then_never_again() {
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger known = new AtomicInteger();
        KeylessSpread spread = new KeylessSpread(() -> {
            asked.incrementAndGet();
            return known.get();
        });
        assertThat(spread.next(100)).as("no partitions known: the producer chooses").isNull();
        known.set(4);
        for (int i = 0; i < 1000; i++) {
            assertThat(spread.next(100)).isBetween(0, 3);
        }
        assertThat(asked.get()).isEqualTo(2);
    }
}
