package io.swmrfacade.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportThrottleTest {

    @Test
    void reports_the_first_change_at_once_then_at_most_once_per_interval() {
        ReportThrottle t = new ReportThrottle(500);
        assertThat(t.due(1_000, false)).isFalse();
        assertThat(t.due(1_001, true)).isTrue();
        assertThat(t.due(1_002, true)).isFalse();
        assertThat(t.due(1_400, true)).isFalse();
        assertThat(t.due(1_501, false)).as("a change held back is reported when the interval ends").isTrue();
        assertThat(t.due(2_100, false)).as("nothing new, nothing to report").isFalse();
        assertThat(t.due(2_101, true)).isTrue();
    }

    @Test
    void a_zero_interval_reports_every_change() {
        ReportThrottle t = new ReportThrottle(0);
        assertThat(t.due(5, true)).isTrue();
        assertThat(t.due(5, true)).isTrue();
        assertThat(t.due(5, false)).isFalse();
    }
}
