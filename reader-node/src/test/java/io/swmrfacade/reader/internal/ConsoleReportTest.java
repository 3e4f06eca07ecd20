package io.swmrfacade.reader.internal;

import static io.swmrfacade.reader.internal.SnapshotFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.reader.ReaderId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConsoleReportTest {

    @Test
    void a_change_line_shows_totals_and_what_is_new_since_the_previous_line() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleReport report = new ConsoleReport(new PrintStream(out, true, StandardCharsets.UTF_8), new ReaderId("reader-1"),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        report.changed(snapshot(217, 11, 1_507_328));
        report.changed(snapshot(228, 12, 1_572_864));
        report.changed(snapshot(228, 12, 1_572_864));
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "[reader-1] 12:30:15.123 segment 1: 228 tasks (+228: 217 ok, 11 failed), " + SnapshotFixtures.EX
                        + " 1,507,328 samples (+1,507,328)",
                "[reader-1] 12:30:15.123 segment 1: 240 tasks (+12: 11 ok, 1 failed), " + SnapshotFixtures.EX
                        + " 1,572,864 samples (+65,536)",
                "[reader-1] 12:30:15.123 segment 1: 240 tasks, " + SnapshotFixtures.EX + " 1,572,864 samples");
    }

    @Test
    void samples_cut_back_by_a_recovering_writer_show_as_a_negative_delta() {
        assertThat(ConsoleReport.describe(snapshot(10, 0, 1_160), snapshot(10, 0, 160)))
                .isEqualTo("segment 1: 10 tasks, " + SnapshotFixtures.EX + " 160 samples (-1,000)");
    }
}
