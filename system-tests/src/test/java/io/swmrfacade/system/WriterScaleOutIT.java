package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.swmr.TaskRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writer nodes, each the single writer of its own file, share the tasks topic; one is
 * killed -9 mid-run and not restarted. The survivor finishes everything.
 *
 * <p>What holds across the two files (writer-node/README.md): every task has exactly one
 * committed result, and that result names a row that holds the task; each file holds a task at
 * most once. A task may also sit in the dead node's file only if that node flushed its row and
 * died before the Kafka commit: such a row's result was never committed, and the task's one
 * result names the survivor's row.
 */
class WriterScaleOutIT {

    @TempDir
    Path dir;

    @Test
    void two_nodes_share_the_work_and_the_survivor_of_a_kill9_finishes_it_with_one_result_per_task() throws Exception {
        Path fileA = dir.resolve("a.h5");
        Path fileB = dir.resolve("b.h5");
        try (Installation sf = new Installation("scaleout", 4)) {
            Map<String, Object> a = sf.writerSettings(fileA, "node-a");
            Map<String, Object> b = sf.writerSettings(fileB, "node-b");
            // The dead node's partitions move once its session expires: keep that short for the test.
            a.put("kafka.session.timeout.ms", 6000);
            b.put("kafka.session.timeout.ms", 6000);
            List<TaskHandle> handles = new ArrayList<>();
            try (NodeProcess nodeA = NodeProcess.writer(a, WriterEvidence.logFile("node-a"));
                 NodeProcess nodeB = NodeProcess.writer(b, WriterEvidence.logFile("node-b"));
                 TaskFacade facade = sf.facade().build()) {
                awaitBothAssigned(sf);
                submit(facade, handles, 0);
                await().atMost(Duration.ofSeconds(60)).until(() -> handles.stream().allMatch(h -> h.result().isDone()));
                Set<String> workers = handles.stream().map(h -> h.result().join().workerId()).collect(Collectors.toSet());
                assertThat(workers).as("both nodes took tasks").containsExactlyInAnyOrder("node-a", "node-b");

                submit(facade, handles, 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> handles.stream().anyMatch(h -> h.result().isDone()
                        && h.result().join().workerId().equals("node-a") && handles.indexOf(h) >= 300));
                nodeA.kill9();

                CollectResult all = facade.collect(Duration.ofSeconds(90));
                assertThat(all.complete()).as(all.missing().toString()).isTrue();
                assertThat(all.results()).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.OK));
                assertThat(nodeB.terminate(30)).isTrue();
            }
            Map<String, List<io.swmrfacade.proto.v1.TaskResult>> committed = WriterEvidence.committedResults(sf);
            assertThat(committed).hasSize(handles.size());
            committed.forEach((id, list) -> assertThat(list).as("committed results of %s", id).hasSize(1));

            List<TaskRow> rowsA = WriterEvidence.rows(fileA);
            List<TaskRow> rowsB = WriterEvidence.rows(fileB);
            assertThat(rowsA).extracting(TaskRow::taskId).doesNotHaveDuplicates();
            assertThat(rowsB).extracting(TaskRow::taskId).doesNotHaveDuplicates();
            Set<String> inA = rowsA.stream().map(TaskRow::taskId).collect(Collectors.toSet());
            Set<String> inB = rowsB.stream().map(TaskRow::taskId).collect(Collectors.toSet());
            Set<String> union = new HashSet<>(inA);
            union.addAll(inB);
            assertThat(union).isEqualTo(committed.keySet());
            for (TaskHandle h : handles) {
                TaskResult r = h.result().join();
                Set<String> named = r.file().equals(fileA.toAbsolutePath().toString()) ? inA : inB;
                assertThat(named).as("the file %s named by the result of %s holds it", r.file(), h.id()).contains(h.id().value());
                if (inA.contains(h.id().value()) && inB.contains(h.id().value())) {
                    // In both files: a row the dead node flushed but never committed. The committed
                    // result names the survivor's row; the facade, which reads results uncommitted,
                    // may have kept the dead node's (flushed, so real) row instead.
                    assertThat(committed.get(h.id().value()).get(0).getWorkerId()).isEqualTo("node-b");
                }
            }
        }
    }

    /** Tasks with distinct routing keys, so they hash over every partition (keyless records stick to one). */
    private static void submit(TaskFacade facade, List<TaskHandle> handles, int wave) {
        for (int i = 0; i < 280; i++) {
            handles.add(facade.submit(Task.of("echo", "w" + wave + "-" + i).withRoutingKey("e" + wave + "-" + i)));
        }
        for (int i = 0; i < 20; i++) {
            handles.add(facade.submit(Task.of("sleep", "0.2").withRoutingKey("s" + wave + "-" + i)));
        }
    }

    /** Waits until the writers' group has split the partitions between both nodes. */
    private static void awaitBothAssigned(Installation sf) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap);
        try (Admin admin = Admin.create(p)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(sf.prefix + "writers"))
                        .all().get().get(sf.prefix + "writers");
                return g.members().size() == 2
                        && g.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            });
        }
    }
}
