package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
                sf.awaitWritersAssigned(2);
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
                // The facade reads results uncommitted, so it may have all of them while the dead
                // node's last transaction is still open: only the survivor, once it owns the dead
                // node's partitions, commits those tasks. Stop it only once every task is committed.
                awaitEveryTaskCommitted(sf);
                assertThat(nodeB.terminate(30)).isTrue();
            }
            WriterEvidence.TwoFiles files = WriterEvidence.checkTwoFiles(sf, handles, fileA, fileB);
            for (TaskHandle h : handles) {
                String id = h.id().value();
                if (files.inA().contains(id) && files.inB().contains(id)) {
                    // In both files: a row the dead node flushed but never committed. The committed
                    // result names the survivor's row; the facade, which reads results uncommitted,
                    // may have kept the dead node's (flushed, so real) row instead.
                    assertThat(files.committed().get(id).get(0).getWorkerId()).isEqualTo("node-b");
                }
            }
        }
    }

    /** Waits until the writers' group has committed every partition of the tasks topic to its end. */
    private static void awaitEveryTaskCommitted(Installation sf) {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap))) {
            await().alias("every task committed by the writers").atMost(Duration.ofSeconds(90)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(sf.prefix + "writers").partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                return committed.size() == 4 && committed.entrySet().stream()
                        .allMatch(e -> e.getValue() != null && e.getValue().offset() == ends.get(e.getKey()).offset());
            });
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
}
