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
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer node whose transactions are fenced while tasks flow, as the node that took its
 * partitions does when this one was cut off with a transaction open, starts its task loop again
 * in the same process from its file: the process keeps running, and every task still has one
 * result, one committed result and one row.
 */
class WriterLoopRestartIT {

    private static final int TASKS = 600;

    @TempDir
    Path dir;

    @Test
    void a_node_whose_transactions_are_fenced_starts_its_loop_again_and_answers_every_task_once() throws Exception {
        Path file = dir.resolve("restart.h5");
        try (Installation sf = new Installation("looprestart", 2)) {
            Map<String, Object> settings = sf.writerSettings(file, "restarting");
            settings.put(WriterConfig.METRICS_PORT, 0);
            WriterNode node = WriterNode.start(new WriterConfig(settings), Clock.systemUTC());
            List<TaskHandle> handles = new ArrayList<>();
            try (TaskFacade facade = sf.facade().build()) {
                sf.awaitWritersAssigned(1);
                long next = System.nanoTime();
                for (int i = 0; i < TASKS; i++) {
                    // Sleeps keep transactions open across turns; echoes keep the loop busy.
                    handles.add(facade.submit(i % 10 == 0 ? Task.of("sleep", "0.05") : Task.of("echo", "r-" + i)));
                    if (i == TASKS / 3) {
                        await().atMost(Duration.ofSeconds(60)).until(() -> handles.stream().filter(h -> h.result().isDone()).count() > 50);
                        fence(sf, "restarting");
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(5);
                    LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                }
                await("the loop started again").atMost(Duration.ofSeconds(60)).until(() -> node.loopRestarts() >= 1);
                CollectResult all = facade.collect(Duration.ofSeconds(120));
                assertThat(all.complete()).as(all.missing().toString()).isTrue();
                assertThat(all.results()).hasSize(TASKS).extracting(TaskResult::id).doesNotHaveDuplicates();
                assertThat(all.results()).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.OK));
                assertThat(node.isRunning()).as("the node still runs").isTrue();
                assertThat(node.failure()).isNull();
                assertThat(scrape(node.metricsPort())).as("the metrics after the restart")
                        .containsPattern("sf_writer_loop_restarts_total [1-9]").contains("sf_writer_tasks_total");
            } finally {
                node.close();
            }
            assertThat(node.failure()).isNull();
            Map<String, List<io.swmrfacade.proto.v1.TaskResult>> committed = WriterEvidence.committedResults(sf);
            assertThat(committed).hasSize(TASKS);
            assertThat(committed.values()).allSatisfy(list -> assertThat(list).hasSize(1));
            List<TaskRow> rows = WriterEvidence.rows(file);
            assertThat(rows).extracting(TaskRow::taskId).doesNotHaveDuplicates().hasSize(TASKS)
                    .containsExactlyInAnyOrderElementsOf(committed.keySet());
        }
    }

    /** Ends the node's open transactions and its producers' epochs, as another node's initTransactions does. */
    private static void fence(Installation sf, String nodeId) {
        for (String id : List.of(sf.prefix + "writer." + nodeId, sf.prefix + "writer." + nodeId + ".2")) {
            Map<String, Object> p = new HashMap<>(sf.login);
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            try (KafkaProducer<byte[], byte[]> fencer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                fencer.initTransactions();
            }
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
