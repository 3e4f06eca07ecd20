package io.swmrfacade.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateMeterTest {

    @Test
    void measures_rows_per_second_over_the_last_window_and_decays_to_zero_when_idle() {
        RateMeter m = new RateMeter(1000);
        for (long t = 0; t <= 2000; t++) {
            m.record(t, t / 2); // 500 rows/s, polled every millisecond
        }
        assertThat(m.perSecond(2000, 1000)).isCloseTo(500, within(10.0));
        for (long t = 2001; t <= 3200; t++) {
            m.record(t, 1000);
        }
        assertThat(m.perSecond(3200, 1000)).isZero();
    }

    @Test
    void a_first_bulk_read_is_not_a_rate() {
        RateMeter m = new RateMeter(1000);
        m.record(0, 1_000_000);
        assertThat(m.perSecond(0, 1_000_000)).isZero();
        assertThat(m.perSecond(10, 1_000_000)).isZero();
    }
}
