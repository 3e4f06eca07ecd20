package io.swmrfacade.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void a_single_spike_survives_decimation_in_its_column() {
        double[] samples = new double[100_000];
        samples[73_421] = 9.5;
        samples[12_000] = -3.25;
        Envelope e = Envelope.of(0, samples, 600);

        assertThat(e.min()).hasSize(600);
        int spikeColumn = (int) (73_421L * 600 / 100_000);
        int dipColumn = (int) (12_000L * 600 / 100_000);
        assertThat(e.max()[spikeColumn]).isEqualTo(9.5);
        assertThat(e.min()[dipColumn]).isEqualTo(-3.25);
        assertThat(java.util.Arrays.stream(e.max()).filter(v -> v != 0).count()).isEqualTo(1);
        assertThat(java.util.Arrays.stream(e.min()).filter(v -> v != 0).count()).isEqualTo(1);
    }

    @Test
    void min_and_max_of_every_column_are_exact_and_columns_cover_every_sample_once() {
        Random random = new Random(42);
        double[] samples = random.doubles(10_007, -1000, 1000).toArray();
        int columns = 333;
        Envelope e = Envelope.of(5_000, samples, columns);
        long covered = 0;
        for (int c = 0; c < columns; c++) {
            int from = (int) (e.columnStart(c) - 5_000);
            int to = c + 1 < columns ? (int) (e.columnStart(c + 1) - 5_000) : samples.length;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                lo = Math.min(lo, samples[i]);
                hi = Math.max(hi, samples[i]);
            }
            assertThat(e.min()[c]).as("min of column %d", c).isEqualTo(lo);
            assertThat(e.max()[c]).as("max of column %d", c).isEqualTo(hi);
            covered += to - from;
        }
        assertThat(covered).isEqualTo(samples.length);
        assertThat(e.first()).isEqualTo(5_000);
        assertThat(e.count()).isEqualTo(samples.length);
    }

    @Test
    void fewer_samples_than_columns_are_sent_as_they_are() {
        double[] samples = {1, -2, 3};
        Envelope e = Envelope.of(7, samples, 600);
        assertThat(e.min()).containsExactly(1, -2, 3);
        assertThat(e.max()).containsExactly(1, -2, 3);
        assertThat(e.columnStart(2)).isEqualTo(9);
    }

    @Test
    void zero_columns_are_refused_naming_the_value() {
        assertThatThrownBy(() -> Envelope.of(0, new double[10], 0)).hasMessageContaining("columns").hasMessageContaining("0");
    }

    @Test
    void a_nan_sample_does_not_hide_its_column_and_travels_as_null() {
        double[] samples = new double[1000];
        samples[5] = Double.NaN;
        samples[6] = 4.0;
        for (int i = 10; i < 20; i++) {
            samples[i] = Double.NaN;
        }
        Envelope e = Envelope.of(0, samples, 100);
        assertThat(e.max()[0]).isEqualTo(4.0);
        assertThat(e.min()[0]).isEqualTo(0.0);
        assertThat(e.max()[1]).isNaN();
        assertThat(PageJson.finiteOrNull(new double[] {1, Double.NaN, Double.POSITIVE_INFINITY})).containsExactly(1.0, null, null);
    }
}
