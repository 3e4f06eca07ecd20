package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.WriterConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 the writer node again and again while mixed tasks flow, restarting it each time: every
 * task still has exactly one result, one row, and every sample value is exact.
 */
class WriterChaosIT {

    private static final String EX = "/chaos/Ex";
    private static final String EY = "/chaos/Ey";
    private static final int KILLS = 9;
    private static final int SAMPLES = 256;

    @TempDir
    Path dir;

    private final Map<TaskId, String> expected = new HashMap<>();
    private final List<TaskHandle> handles = new ArrayList<>();
    private int appendsPerStream;

    @Test
    void kill9_during_a_long_mixed_run_loses_and_duplicates_nothing_in_results_file_or_topic() throws Exception {
        Path file = dir.resolve("chaos.h5");
        Random random = new Random(42);
        try (Installation sf = new Installation("chaos", 3)) {
            Map<String, Object> settings = sf.writerSettings(file, "chaos-writer");
            // Random kills are not the tasks' fault: allow enough starts that no task is ever failed as a poison task.
            settings.put(WriterConfig.MAX_ATTEMPTS, 100);
            try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("chaos-writer"));
                 TaskFacade facade = sf.facade().build()) {
                int midRun = 0;
                for (int wave = 0; wave < KILLS; wave++) {
                    int from = handles.size();
                    submitWave(facade, random);
                    List<TaskHandle> current = handles.subList(from, handles.size());
                    // Once the restarted node is working on this wave, let the kill land at a random instant.
                    await().atMost(Duration.ofSeconds(60)).until(() -> current.stream().anyMatch(h -> h.result().isDone()));
                    Thread.sleep(random.nextInt(300));
                    if (!handles.stream().allMatch(h -> h.result().isDone())) {
                        midRun++;
                    }
                    writer.kill9AndRestart();
                }
                // Most kills must have found work in progress, or this test proves little.
                assertThat(midRun).isGreaterThanOrEqualTo(KILLS / 2);
                submitWave(facade, random);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    writer.ensureRunning();
                    return handles.stream().allMatch(h -> h.result().isDone());
                });
                CollectResult all = facade.collect(Duration.ofSeconds(5));
                assertThat(all.complete()).isTrue();
                assertThat(all.results()).hasSize(expected.size());
                for (TaskResult r : all.results()) {
                    assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.OK);
                    assertThat(r.outputText()).isEqualTo(expected.get(r.id()));
                }
                assertThat(writer.terminate(30)).as("clean stop").isTrue();
                assertThat(writer.starts()).isEqualTo(KILLS + 1);
            }
            Map<String, List<io.swmrfacade.proto.v1.TaskResult>> committed = WriterEvidence.committedResults(sf);
            assertThat(committed.keySet()).hasSize(expected.size());
            committed.forEach((id, list) -> assertThat(list).as("committed results of %s", id).hasSize(1));
            checkFile(file);
            checkWithReferenceTools(file);
        }
    }

    private void submitWave(TaskFacade facade, Random random) {
        for (int i = 0; i < 60; i++) {
            String text = "echo " + handles.size();
            add(facade.submit(Task.of("echo", text)), text);
        }
        for (int i = 0; i < 8; i++) {
            String seconds = "0." + (1 + random.nextInt(5));
            TaskHandle h = facade.submit(Task.of("sleep", seconds));
            add(h, h.id() + " solved after " + seconds);
        }
        for (int i = 0; i < 12; i++) {
            int base = appendsPerStream * SAMPLES;
            add(facade.submit(Task.of("append", Payloads.float32(EX, base, SAMPLES)).withRoutingKey(EX)),
                    "appended " + SAMPLES + " float32 samples to " + EX);
            add(facade.submit(Task.of("append", Payloads.int64(EY, base, SAMPLES)).withRoutingKey(EY)),
                    "appended " + SAMPLES + " int64 samples to " + EY);
            appendsPerStream++;
        }
    }

    private void add(TaskHandle h, String output) {
        handles.add(h);
        expected.put(h.id(), output);
    }

    private void checkFile(Path file) {
        List<TaskRow> rows = WriterEvidence.rows(file);
        assertThat(rows).extracting(TaskRow::taskId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.keySet().stream().map(TaskId::value).toList());
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            f.poll();
            ByteBuffer ex = ByteBuffer.wrap(f.readSamplesAcrossSegments(EX)).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer ey = ByteBuffer.wrap(f.readSamplesAcrossSegments(EY)).order(ByteOrder.LITTLE_ENDIAN);
            int n = appendsPerStream * SAMPLES;
            assertThat(ex.remaining()).isEqualTo(4 * n);
            assertThat(ey.remaining()).isEqualTo(8 * n);
            for (int i = 0; i < n; i++) {
                assertThat(ex.getFloat()).as("Ex[%d]", i).isEqualTo((float) i);
                assertThat(ey.getLong()).as("Ey[%d]", i).isEqualTo(i);
            }
        }
    }

    /** After the clean stop, h5py opens every segment normally (not SWMR) and h5dump reads every header. */
    private void checkWithReferenceTools(Path file) throws Exception {
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(p -> p.getFileName().toString().matches("chaos(\\.\\d+)?\\.h5")).sorted().toList();
        }
        assertThat(segments).isNotEmpty();
        assumeTrue(WriterEvidence.h5pyAvailable() && WriterEvidence.h5dumpAvailable(), "h5py or h5dump is not installed");
        long rows = 0;
        for (Path segment : segments) {
            String summary = WriterEvidence.h5pySummary(segment);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("sf/tasks=(\\d+)").matcher(summary);
            assertThat(m.find()).as(summary).isTrue();
            rows += Long.parseLong(m.group(1));
            assertThat(WriterEvidence.h5dumpHeader(segment)).contains("DATASET \"tasks\"");
        }
        assertThat(rows).isEqualTo(expected.size());
    }
}
