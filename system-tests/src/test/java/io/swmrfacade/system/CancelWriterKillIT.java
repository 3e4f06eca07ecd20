package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.writer.WriterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly one result per task through a writer SIGKILL between a cancel and the result: cancels
 * sent while the writer is dead reach it when it restarts (it reads the cancels topic before it
 * starts any task), and a CANCELLED outcome is recorded in the file like any result, so a kill
 * right after it is answered from the file once.
 */
class CancelWriterKillIT {

    @TempDir
    Path dir;

    @Test
    void cancelled_tasks_get_one_result_through_writer_kills_before_and_after_the_cancel() throws Exception {
        Path file = dir.resolve("kill.h5");
        Map<String, TaskStatus> expected = new HashMap<>();
        try (Installation sf = new Installation("cancelkill", 2)) {
            Map<String, Object> settings = sf.writerSettings(file, "cancel-kill-writer");
            settings.put(WriterConfig.CONCURRENCY, "sleep=1");
            try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("cancel-kill-writer"));
                 TaskFacade facade = sf.facade().build()) {
                TaskHandle warm = facade.submit(Task.of("echo", "warm"));
                assertThat(warm.result().get(120, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.OK);
                expected.put(warm.id().value(), TaskStatus.OK);

                // One sleep slot: a long task runs, three short ones queue behind it.
                TaskHandle running = facade.submit(Task.of("sleep", "600"));
                List<TaskHandle> queued = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    queued.add(facade.submit(Task.of("sleep", "0.1")));
                }
                TaskHandle marker = facade.submit(Task.of("echo", "taken"));
                assertThat(marker.result().get(60, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.OK);
                expected.put(marker.id().value(), TaskStatus.OK);

                // Kill 1: the writer dies with the tasks taken; the cancels are sent while it is dead.
                writer.kill9();
                facade.cancel(queued.get(0).id()).get(30, TimeUnit.SECONDS);
                facade.cancel(queued.get(1).id()).get(30, TimeUnit.SECONDS);
                writer.ensureRunning();
                for (TaskHandle q : queued.subList(0, 2)) {
                    TaskResult r = q.result().get(120, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.CANCELLED);
                    assertThat(r.error()).endsWith("before it started");
                    expected.put(q.id().value(), TaskStatus.CANCELLED);
                }

                // Kill 2: the long task runs again after the restart (it had started before kill 1);
                // cancel it, and kill the writer the moment its CANCELLED result is out (readers of
                // uncommitted results see it before the transaction commits).
                facade.cancel(running.id()).get(30, TimeUnit.SECONDS);
                TaskResult cancelled = running.result().get(120, TimeUnit.SECONDS);
                writer.kill9();
                assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(TaskStatus.CANCELLED);
                expected.put(running.id().value(), TaskStatus.CANCELLED);
                writer.ensureRunning();

                TaskResult last = queued.get(2).result().get(120, TimeUnit.SECONDS);
                assertThat(last.status()).isEqualTo(TaskStatus.OK);
                expected.put(queued.get(2).id().value(), TaskStatus.OK);
                TaskHandle after = facade.submit(Task.of("echo", "after"));
                assertThat(after.result().get(120, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.OK);
                expected.put(after.id().value(), TaskStatus.OK);
                assertThat(facade.collect(Duration.ofSeconds(10)).complete()).isTrue();
                assertThat(writer.terminate(60)).isTrue();
            }
            CancelIT.checkOnce(sf, file, expected);
        }
    }
}
