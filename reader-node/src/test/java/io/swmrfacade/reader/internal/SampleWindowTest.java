package io.swmrfacade.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampleWindowTest {

    private static double[] range(long from, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + i;
        }
        return out;
    }

    @Test
    void keeps_the_latest_samples_across_the_ring_edge() {
        SampleWindow w = new SampleWindow(10);
        w.append(0, range(0, 7));
        w.append(7, range(7, 6));   // 13 in all: wraps
        SampleWindow.Slice s = w.latest(10);
        assertThat(s.first()).isEqualTo(3);
        assertThat(s.samples()).containsExactly(range(3, 10));
        assertThat(w.latest(4).samples()).containsExactly(9, 10, 11, 12);
    }

    @Test
    void an_append_larger_than_the_window_keeps_only_its_newest_samples() {
        SampleWindow w = new SampleWindow(5);
        w.append(100, range(100, 23));
        SampleWindow.Slice s = w.latest(5);
        assertThat(s.first()).isEqualTo(118);
        assertThat(s.samples()).containsExactly(range(118, 5));
        assertThat(w.end()).isEqualTo(123);
    }

    @Test
    void a_gap_starts_the_window_over_so_it_stays_contiguous() {
        SampleWindow w = new SampleWindow(10);
        w.append(0, range(0, 8));
        w.append(50, range(50, 3));
        SampleWindow.Slice s = w.latest(10);
        assertThat(s.first()).isEqualTo(50);
        assertThat(s.samples()).containsExactly(50, 51, 52);
    }

    @Test
    void an_empty_window_is_empty() {
        assertThat(new SampleWindow(4).latest(4).samples()).isEmpty();
    }

    @Test
    void window_size_is_the_seconds_at_the_stream_rate_or_the_fixed_count_without_one() {
        assertThat(SignalTap.capacity(256, 10, 4096)).isEqualTo(2560);
        assertThat(SignalTap.capacity(0.5, 10, 4096)).isEqualTo(5);
        assertThat(SignalTap.capacity(0, 10, 4096)).isEqualTo(4096);
        assertThat(SignalTap.capacity(10e6, 10, 4096)).isEqualTo(SignalTap.MAX_WINDOW_SAMPLES);
    }
}
