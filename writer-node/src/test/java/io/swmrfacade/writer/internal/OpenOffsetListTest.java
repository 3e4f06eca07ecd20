package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OpenOffsetListTest {

    @Test
    void it_holds_what_a_sorted_set_holds_through_adds_in_any_order_and_removes() {
        Random random = new Random(6);
        OpenOffsetList list = new OpenOffsetList();
        TreeSet<Long> reference = new TreeSet<>();
        long next = 0;
        for (int i = 0; i < 50_000; i++) {
            int op = random.nextInt(10);
            if (op < 5) {
                long o = next++;
                assertThat(list.add(o)).isEqualTo(reference.add(o));
            } else if (op < 6) {
                long o = Math.max(0, next - 1 - random.nextInt(400)); // out of order, or already there
                assertThat(list.add(o)).isEqualTo(reference.add(o));
            } else {
                long o = Math.max(0, next - 1 - random.nextInt(300));
                assertThat(list.remove(o)).isEqualTo(reference.remove(o));
            }
            assertThat(list.size()).isEqualTo(reference.size());
        }
        assertThat(list.with(List.of())).isEqualTo(reference);
        assertThat(list.with(List.of(-5L, next + 3))).contains(-5L, next + 3).hasSize(reference.size() + 2);
    }
}
