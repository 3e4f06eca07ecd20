package io.swmrfacade.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer in a child JVM (one process cannot be SWMR writer and reader of a file at once)
 * appends rows and samples; a reader node in this JVM must see every one of them while the
 * writer runs, across rollovers to new segments and across a writer killed with SIGKILL and
 * restarted on the same file.
 */
class ReaderFollowsWriterIT {

    private static final String EX = "/live_survey/MT001/run_001/Ex";
    private static final String EY = "/live_survey/MT001/run_001/Ey";
    private static final Duration SEE_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void reader_sees_every_row_and_sample_across_rollovers_and_a_writer_kill_9_restart() throws Exception {
        Path file = dir.resolve("run.h5");
        ReaderTestSupport.Console console = new ReaderTestSupport.Console();
        try (ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(file, Map.of()), Clock.systemDefaultZone(), console.stream)) {
            assertThat(reader.snapshot().state()).isEqualTo(Snapshot.State.WAITING);
            try (WriterProcess writer = WriterProcess.start(file)) {
                assertThat(writer.ready()).isZero();
                writer.command("rows 45 5");
                awaitSeen(reader, 0, 45, 5, Map.of());

                writer.command("stream " + EX + " float32"); // a new stream: rollover to segment 1
                writer.command("samples " + EX + " 65536 4");
                awaitSeen(reader, 1, 49, 5, Map.of(EX, 262_144L));
                assertHttpStatus(reader.port(), 1, 54, 262_144L);

                writer.command("stream " + EY + " int64"); // and to segment 2
                writer.command("samples " + EY + " 1000 3");
                writer.command("samples " + EX + " 100 2");
                awaitSeen(reader, 2, 54, 5, Map.of(EX, 262_344L, EY, 3_000L));
                assertThat(writer.isAlive()).as("the reader saw it all while the writer runs").isTrue();
                writer.kill9();
            }
            try (WriterProcess restarted = WriterProcess.start(file)) {
                assertThat(restarted.ready()).isEqualTo(59);
                restarted.command("samples " + EX + " 500 5");
                restarted.command("rows 10 0");
                awaitSeen(reader, 2, 69, 5, Map.of(EX, 264_844L, EY, 3_000L));
                assertHttpStatus(reader.port(), 2, 74, 264_844L);
            }
            assertThat(reader.failure()).isEmpty();
        }
        assertThat(console.text())
                .contains("[reader-it] ", "waiting for " + file, "moved to segment 1", "moved to segment 2")
                .contains("segment 0: 50 tasks (+50: 45 ok, 5 failed)")
                .containsPattern("segment 2: 74 tasks \\(\\+\\d+: \\d+ ok\\), " + EX + " 264,844 samples")
                .contains("stopped");
    }

    @Test
    void reader_keeps_following_after_the_writer_is_killed_mid_append() throws Exception {
        Path file = dir.resolve("spin.h5");
        ReaderTestSupport.Console console = new ReaderTestSupport.Console();
        try (ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(file, Map.of()), Clock.systemDefaultZone(), console.stream)) {
            try (WriterProcess writer = WriterProcess.start(file)) {
                writer.ready();
                writer.command("stream " + EX + " int64");
                writer.send("spin " + EX + " 16");
                writer.expect("spinning");
                await().atMost(SEE_WITHIN).until(() -> reader.snapshot().totalRows() >= 500);
                writer.kill9(); // lands mid-append: samples may be flushed without their row
            }
            long rows;
            try (WriterProcess restarted = WriterProcess.start(file)) {
                rows = restarted.ready();
                // Recovery cut samples no stored row references, so each row owns exactly 16.
                awaitSeen(reader, 1, rows, 0, Map.of(EX, rows * 16));
                restarted.command("samples " + EX + " 16 7");
                awaitSeen(reader, 1, rows + 7, 0, Map.of(EX, (rows + 7) * 16));
            }
            assertThat(rows).isGreaterThanOrEqualTo(500);
            assertThat(reader.failure()).isEmpty();
        }
    }

    @Test
    void reader_sees_samples_cut_back_when_a_restarted_writer_trims_samples_no_row_owns() throws Exception {
        Path file = dir.resolve("orphans.h5");
        ReaderTestSupport.Console console = new ReaderTestSupport.Console();
        try (ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(file, Map.of()), Clock.systemDefaultZone(), console.stream)) {
            try (WriterProcess writer = WriterProcess.start(file)) {
                writer.ready();
                writer.command("stream " + EX + " int64");
                writer.command("samples " + EX + " 16 10");
                writer.command("orphan " + EX + " 1000");
                awaitSeen(reader, 1, 10, 0, Map.of(EX, 1_160L));
                writer.kill9();
            }
            try (WriterProcess restarted = WriterProcess.start(file)) {
                assertThat(restarted.ready()).isEqualTo(10);
                awaitSeen(reader, 1, 10, 0, Map.of(EX, 160L));
                restarted.command("samples " + EX + " 16 1");
                awaitSeen(reader, 1, 11, 0, Map.of(EX, 176L));
            }
        }
        assertThat(console.text()).contains(EX + " 160 samples (-1,000)");
    }

    private static void awaitSeen(ReaderNode reader, int segment, long ok, long failed, Map<String, Long> samples) {
        await().atMost(SEE_WITHIN).failFast("reader failed", () -> reader.failure().isPresent()).untilAsserted(() -> {
            Snapshot s = reader.snapshot();
            assertThat(s.state()).isEqualTo(Snapshot.State.FOLLOWING);
            assertThat(s.segment()).isEqualTo(segment);
            assertThat(s.totalRows()).isEqualTo(ok + failed);
            assertThat(s.tasks().ok()).isEqualTo(ok);
            assertThat(s.tasks().failed()).isEqualTo(failed);
            assertThat(s.tasks().total()).isEqualTo(ok + failed);
            samples.forEach((path, n) -> assertThat(s.stream(path)).as(path).isNotNull()
                    .extracting(Snapshot.Stream::samples).isEqualTo(n));
        });
    }

    private static void assertHttpStatus(int port, int segment, long rows, long exSamples) throws Exception {
        JsonNode json = ReaderTestSupport.status(port);
        assertThat(json.get("readerId").asText()).isEqualTo("reader-it");
        assertThat(json.get("state").asText()).isEqualTo("FOLLOWING");
        assertThat(json.get("segment").asInt()).isEqualTo(segment);
        assertThat(json.get("totalRows").asLong()).isEqualTo(rows);
        assertThat(json.get("tasks").get("failed").asLong()).isEqualTo(5);
        JsonNode ex = null;
        for (JsonNode s : json.get("streams")) {
            if (s.get("path").asText().equals(EX)) {
                ex = s;
            }
        }
        assertThat(ex).as("stream %s in %s", EX, json).isNotNull();
        assertThat(ex.get("samples").asLong()).isEqualTo(exSamples);
        assertThat(ex.get("dtype").asText()).isEqualTo("float32");
        // The SVG namespace is a name, not a fetch: any other URL would be something the page loads.
        String page = ReaderTestSupport.get(port, "/").body();
        assertThat(page).contains("<svg", "api/status", "api/window", "const SfCharts")
                .doesNotContain("/*CHARTS_JS*/")
                .satisfies(p -> assertThat(p.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://"));
    }
}
