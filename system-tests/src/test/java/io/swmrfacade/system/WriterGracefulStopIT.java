package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.swmr.Hdf5Library;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.WriterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM while tasks run: a bounded stop, a cleanly closed file, and the unfinished tasks done by the next node. */
class WriterGracefulStopIT {

    @TempDir
    Path dir;

    @Test
    void sigterm_stops_in_bounded_time_closes_the_file_and_hands_running_tasks_to_the_next_node() throws Exception {
        Path first = dir.resolve("first.h5");
        Path second = dir.resolve("second.h5");
        try (Installation sf = new Installation("graceful", 2)) {
            Map<String, Object> settings = sf.writerSettings(first, "graceful-1");
            settings.put(WriterConfig.SHUTDOWN_TIMEOUT_MS, 500);
            List<TaskHandle> quick = new ArrayList<>();
            List<TaskHandle> slow = new ArrayList<>();
            try (TaskFacade facade = sf.facade().build()) {
                try (NodeProcess writer = NodeProcess.writer(settings, WriterEvidence.logFile("graceful-1"))) {
                    for (int i = 0; i < 4; i++) {
                        slow.add(facade.submit(Task.of("sleep", "4")));
                    }
                    for (int i = 0; i < 20; i++) {
                        quick.add(facade.submit(Task.of("echo", "q" + i)));
                    }
                    // The slow tasks were taken with or before the quick ones, so they run once these are done.
                    await().atMost(Duration.ofSeconds(60)).until(() -> quick.stream().allMatch(h -> h.result().isDone()));
                    long t0 = System.nanoTime();
                    assertThat(writer.terminate(20)).as("stopped within 20 s").isTrue();
                    long stopMs = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(stopMs).as("stop took %d ms; running tasks are interrupted after 500 ms", stopMs).isLessThan(4_000);
                }
                assertThat(slow).noneMatch(h -> h.result().isDone());
                assertOpensWithoutSwmr(first);
                List<TaskRow> firstRows = WriterEvidence.rows(first);
                assertThat(firstRows).extracting(TaskRow::type).containsOnly("echo").hasSize(quick.size());

                Map<String, Object> next = sf.writerSettings(second, "graceful-2");
                try (NodeProcess writer = NodeProcess.writer(next, WriterEvidence.logFile("graceful-2"))) {
                    CollectResult all = facade.collect(Duration.ofSeconds(60));
                    assertThat(all.allSucceeded()).as(all.toString()).isTrue();
                    for (TaskHandle h : slow) {
                        TaskResult r = h.result().get();
                        assertThat(r.workerId()).isEqualTo("graceful-2");
                        // The interrupted start was taken back: a clean stop is not a crash.
                        assertThat(r.attempts()).isEqualTo(1);
                    }
                    for (TaskHandle h : quick) {
                        assertThat(h.result().get().workerId()).isEqualTo("graceful-1");
                    }
                    assertThat(writer.terminate(20)).isTrue();
                }
            }
            Set<String> ids = new HashSet<>();
            WriterEvidence.rows(first).forEach(r -> assertThat(ids.add(r.taskId())).isTrue());
            WriterEvidence.rows(second).forEach(r -> assertThat(ids.add(r.taskId())).as("%s in both files", r.taskId()).isTrue());
            assertThat(ids).hasSize(quick.size() + slow.size());
            WriterEvidence.committedResults(sf).forEach((id, list) -> assertThat(list).as("results of %s", id).hasSize(1));
        }
    }

    /** A plain (non-SWMR) read-only open fails on a file whose writer did not close it. */
    private static void assertOpensWithoutSwmr(Path file) throws Exception {
        Hdf5Library.load();
        long f = H5.H5Fopen(file.toString(), HDF5Constants.H5F_ACC_RDONLY, HDF5Constants.H5P_DEFAULT);
        H5.H5Fclose(f);
        if (WriterEvidence.h5pyAvailable()) {
            assertThat(WriterEvidence.h5pySummary(file)).contains("sf/tasks=20");
        }
    }
}
