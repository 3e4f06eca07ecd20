package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition TP = new TopicPartition("sf.tasks", 0);

    @Test
    void commit_keeps_the_lowest_open_offset_and_lists_the_other_open_ones_in_its_metadata() {
        OffsetTracker t = new OffsetTracker();
        t.assigned(List.of(TP), Map.of());
        long epoch = 0;
        for (long o = 10; o < 20; o++) {
            epoch = t.taken(TP, o);
        }
        for (long o = 11; o < 20; o++) {
            if (o != 15) {
                t.finished(TP, epoch, o);
            }
        }
        OffsetAndMetadata c = t.committable().get(TP);
        assertThat(c.offset()).isEqualTo(10);
        OpenOffsets decoded = OpenOffsets.decode(c.offset(), c.metadata());
        assertThat(decoded.open()).containsExactly(10L, 15L);
        assertThat(decoded.frontier()).isEqualTo(20);
        assertThat(decoded.done(11)).isTrue();
        assertThat(decoded.done(15)).isFalse();
        assertThat(decoded.done(20)).isFalse();
        assertThat(decoded.describe()).isEqualTo("10 (to 20, 2 open)");
        assertThat(OpenOffsets.decode(7, "not ours").describe()).isEqualTo("7");
        assertThat(OpenOffsets.NONE.describe()).isEqualTo("the start");
        Map<TopicPartition, OffsetAndMetadata> positions = new java.util.HashMap<>();
        positions.put(new TopicPartition("sf.tasks", 1), null);
        positions.put(TP, c);
        assertThat(OpenOffsets.describe(positions)).isEqualTo("[sf.tasks-0 from 10 (to 20, 2 open), sf.tasks-1 from the start]");
    }

    @Test
    void next_owner_skips_tasks_its_predecessor_finished_and_keeps_them_in_its_own_commits() {
        OffsetTracker first = new OffsetTracker();
        first.assigned(List.of(TP), Map.of());
        long e = 0;
        for (long o = 0; o < 100; o++) {
            e = first.taken(TP, o);
        }
        for (long o = 1; o < 100; o++) {
            if (o != 50) {
                first.finished(TP, e, o);
            }
        }
        OffsetAndMetadata handover = first.committable().get(TP);

        OffsetTracker next = new OffsetTracker();
        next.assigned(List.of(TP), Map.of(TP, handover));
        assertThat(next.doneBefore(TP, 0)).isFalse();
        assertThat(next.doneBefore(TP, 1)).isTrue();
        assertThat(next.doneBefore(TP, 50)).isFalse();
        assertThat(next.doneBefore(TP, 100)).isFalse();
        // It has only reached offset 5 when it commits: what it learned about 6..99 must survive.
        long e2 = 0;
        for (long o = 0; o <= 5; o++) {
            e2 = next.taken(TP, o);
            if (o > 0) {
                next.finished(TP, e2, o);
            }
        }
        OpenOffsets after = OpenOffsets.decode(next.committable().get(TP).offset(), next.committable().get(TP).metadata());
        assertThat(after.open()).containsExactly(0L, 50L);
        assertThat(after.frontier()).isEqualTo(100);
    }

    @Test
    void metadata_written_by_something_else_means_nothing_is_known_above_the_offset() {
        OpenOffsets o = OpenOffsets.decode(7, "");
        assertThat(o.done(7)).isFalse();
        assertThat(o.done(8)).isFalse();
    }
}
