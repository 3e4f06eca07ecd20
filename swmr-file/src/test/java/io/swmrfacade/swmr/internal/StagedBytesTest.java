package io.swmrfacade.swmr.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StagedBytesTest {

    @Test
    void heap_bytes_are_taken_whole_in_the_order_staged_and_offsets_count_what_came_before() {
        StagedBytes staged = new StagedBytes();
        assertThat(staged.takeHeap()).isNull();
        byte[] big = new byte[100_000]; // more than the first buffer holds: it grows
        big[99_999] = 7;
        assertThat(staged.stageHeap(new byte[] {1, 2})).isZero();
        assertThat(staged.stageHeap(big)).isEqualTo(2);
        assertThat(staged.stageHeap(new byte[] {3})).isEqualTo(100_002);
        byte[] taken = staged.takeHeap();
        assertThat(taken).hasSize(100_003);
        assertThat(taken[0]).isEqualTo((byte) 1);
        assertThat(taken[100_001]).isEqualTo((byte) 7);
        assertThat(taken[100_002]).isEqualTo((byte) 3);
        assertThat(staged.takeHeap()).isNull();
        assertThat(staged.stageHeap(new byte[] {9})).as("offsets start again after a take").isZero();
    }
}
