package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer frozen mid-run (SIGSTOP) past its session timeout comes back as a zombie: the other
 * node has taken its partitions and run their tasks, while the zombie still holds finished work
 * and open transactions. When it resumes it finds its partitions lost, aborts what it had not
 * committed, and goes on. Every task still has exactly one committed result, naming a row that
 * its file holds, and no file holds a task twice.
 */
class WriterZombieIT {

    @TempDir
    Path dir;

    @Test
    void a_node_frozen_past_its_session_and_resumed_commits_nothing_twice() throws Exception {
        Path fileA = dir.resolve("a.h5");
        Path fileB = dir.resolve("b.h5");
        try (Installation sf = new Installation("zombie", 4)) {
            Map<String, Object> a = sf.writerSettings(fileA, "node-a");
            Map<String, Object> b = sf.writerSettings(fileB, "node-b");
            a.put("kafka.session.timeout.ms", 6000);
            b.put("kafka.session.timeout.ms", 6000);
            List<TaskHandle> handles = new ArrayList<>();
            try (NodeProcess nodeA = NodeProcess.writer(a, WriterEvidence.logFile("zombie-a"));
                 NodeProcess nodeB = NodeProcess.writer(b, WriterEvidence.logFile("zombie-b"));
                 TaskFacade facade = sf.facade().build()) {
                sf.awaitWritersAssigned(2);
                submit(facade, handles, 0);
                // Freeze A while it has tasks running and results not yet committed.
                await().atMost(Duration.ofSeconds(60)).until(() -> handles.stream().anyMatch(h -> h.result().isDone()
                        && h.result().join().workerId().equals("node-a")));
                nodeA.pause();
                submit(facade, handles, 1);
                // B takes A's partitions once A's session expires, and runs everything.
                await().atMost(Duration.ofSeconds(90)).until(() -> handles.stream().allMatch(h -> h.result().isDone()));
                nodeA.resume();
                submit(facade, handles, 2);

                CollectResult all = facade.collect(Duration.ofSeconds(90));
                assertThat(all.complete()).as(all.missing().toString()).isTrue();
                assertThat(all.results()).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.OK));
                assertThat(nodeA.alive()).as("the zombie recovered and kept working").isTrue();
                assertThat(nodeA.terminate(30)).isTrue();
                assertThat(nodeB.terminate(30)).isTrue();
            }
            WriterEvidence.TwoFiles files = WriterEvidence.checkTwoFiles(sf, handles, fileA, fileB);
            files.committed().forEach((id, list) -> {
                io.swmrfacade.proto.v1.TaskResult r = list.get(0);
                assertThat(files.holding(r.getFile())).as("the file %s named by the committed result of %s holds it", r.getFile(), id)
                        .contains(id);
            });
        }
    }

    /** Tasks with distinct routing keys, so they hash over every partition. */
    private static void submit(TaskFacade facade, List<TaskHandle> handles, int wave) {
        for (int i = 0; i < 200; i++) {
            handles.add(facade.submit(Task.of("echo", "z" + wave + "-" + i).withRoutingKey("e" + wave + "-" + i)));
        }
        for (int i = 0; i < 40; i++) {
            handles.add(facade.submit(Task.of("sleep", "0.1").withRoutingKey("s" + wave + "-" + i)));
        }
    }
}
