package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
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

/**
 * Far more tasks on one partition than it may hold open at once (its commit metadata lists the
 * open ones, and Kafka allows 4 KiB): the node keeps the fetched records it cannot take yet, in
 * order, and takes them as tasks finish. Every task still runs once and is stored once.
 */
class WriterBacklogIT {

    private static final int SLEEPS = 400;
    private static final int ECHOS = 1600;

    @TempDir
    Path dir;

    @Test
    void a_partition_over_its_open_task_bound_loses_and_repeats_nothing() throws Exception {
        Path file = dir.resolve("backlog.h5");
        try (Installation sf = new Installation("backlog", 1)) {
            Map<String, Object> settings = sf.writerSettings(file, "backlog-writer");
            settings.put(WriterConfig.CONCURRENCY, "sleep=4");
            WriterNode writer = WriterNode.start(new WriterConfig(settings), Clock.systemUTC());
            try (TaskFacade facade = sf.facade().build()) {
                // Slow sleeps first: they hold their offsets open while the echoes behind them pile up.
                for (int i = 0; i < SLEEPS; i++) {
                    facade.submit(Task.of("sleep", "0.005"));
                }
                for (int i = 0; i < ECHOS; i++) {
                    facade.submit(Task.of("echo", "e" + i));
                }
                CollectResult all = facade.collect(Duration.ofSeconds(120));
                assertThat(all.missing()).isEmpty();
                assertThat(all.results()).hasSize(SLEEPS + ECHOS).extracting(TaskResult::status).containsOnly(TaskStatus.OK);
            } finally {
                writer.close();
            }
            assertThat(writer.failure()).isNull();
            List<TaskRow> rows = WriterEvidence.rows(file);
            assertThat(rows).hasSize(SLEEPS + ECHOS).extracting(TaskRow::taskId).doesNotHaveDuplicates();
            assertThat(rows).extracting(TaskRow::kafkaOffset).doesNotHaveDuplicates();
            assertThat(WriterEvidence.committedResults(sf)).hasSize(SLEEPS + ECHOS)
                    .allSatisfy((id, list) -> assertThat(list).as("committed results of %s", id).hasSize(1));
        }
    }
}
