package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void ids_are_valid_uuid7_strictly_increasing_and_carry_their_time() {
        long before = System.currentTimeMillis();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add(TimeOrderedIds.next());
        }
        assertThat(ids).allMatch(TimeOrderedIds::isValid);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        UUID u = UUID.fromString(ids.get(0));
        assertThat(u.version()).isEqualTo(7);
        assertThat(u.variant()).isEqualTo(2);
        assertThat(u.toString()).isEqualTo(ids.get(0));
        assertThat(TimeOrderedIds.instantOf(ids.get(0)).toEpochMilli()).isBetween(before, System.currentTimeMillis() + 5);
    }
}
