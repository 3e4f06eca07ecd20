package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 004's pool: at most N tasks of one type at once, while other types run freely. */
class WriterConcurrencyIT {

    private static final int SLEEPS = 12;
    private static final int ECHOS = 40;

    @TempDir
    Path dir;

    @Test
    void never_more_than_the_type_limit_run_at_once_and_other_types_are_not_held_up() throws Exception {
        Path file = dir.resolve("limits.h5");
        try (Installation sf = new Installation("limits", 3)) {
            Map<String, Object> settings = sf.writerSettings(file, "limits-writer");
            settings.put(WriterConfig.CONCURRENCY, "sleep=3");
            WriterNode writer = WriterNode.start(new WriterConfig(settings), Clock.systemUTC());
            try (TaskFacade facade = sf.facade().build()) {
                for (int i = 0; i < SLEEPS; i++) {
                    facade.submit(Task.of("sleep", "0.4"));
                }
                for (int i = 0; i < ECHOS; i++) {
                    facade.submit(Task.of("echo", "e" + i));
                }
                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.allSucceeded()).as(all.toString()).isTrue();
            } finally {
                writer.close();
            }
            assertThat(writer.failure()).isNull();
            List<TaskRow> rows = WriterEvidence.rows(file);
            assertThat(rows).hasSize(SLEEPS + ECHOS);
            // From the started/finished times the node recorded: the limit was reached and never passed.
            assertThat(WriterEvidence.maxOverlap(rows, "sleep")).isEqualTo(3);
            // Sleeps run in four waves of three; every echo, submitted after all the sleeps, was done
            // before the last wave of sleeps even started.
            long lastSleepStart = rows.stream().filter(r -> r.type().equals("sleep")).mapToLong(TaskRow::startedUs).max().orElseThrow();
            assertThat(rows).filteredOn(r -> r.type().equals("echo")).hasSize(ECHOS)
                    .allSatisfy(r -> assertThat(r.finishedUs()).isLessThan(lastSleepStart));
        }
    }
}
