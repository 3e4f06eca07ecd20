package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the writer keeps only its file's latest rows by task id in memory. A task resent long
 * after it ran (its row far older than that window), by a client or after a restart that rebuilt
 * the index from the file, is answered from the file: the same row again, never run or stored twice.
 */
class AppliedWindowIT {

    private static final int WINDOW = 20;

    @TempDir
    Path dir;

    @Test
    void a_task_resent_after_it_left_the_window_is_answered_from_the_file_once() throws Exception {
        Path file = dir.resolve("window.h5");
        try (Installation sf = new Installation("window", 2); TaskFacade facade = sf.facade().build();
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            Map<String, Object> settings = sf.writerSettings(file, "window-node");
            settings.put(WriterConfig.APPLIED_WINDOW, WINDOW);
            // A task whose id is not a UUIDv7 (another client's), then many more than the window.
            TaskRequest plain = TaskRequest.newBuilder().setTaskId(UUID.randomUUID().toString()).setSessionId("other-client")
                    .setSequence(1).setType("echo").setPayload(com.google.protobuf.ByteString.copyFromUtf8("plain")).build();
            raw.send(new ProducerRecord<>(sf.prefix + "tasks", plain.toByteArray())).get();
            List<TaskHandle> handles = new ArrayList<>();
            try (WriterNode node = WriterNode.start(new io.swmrfacade.writer.WriterConfig(settings), Clock.systemUTC())) {
                for (int i = 0; i < 10 * WINDOW; i++) {
                    handles.add(facade.submit(Task.of("echo", "w" + i).withRoutingKey("k" + i)));
                }
                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.complete()).as("missing %s", all.missing()).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> WriterEvidence.committedResults(sf).containsKey(plain.getTaskId()));

                resend(raw, sf, request(handles.get(0), facade, 0));
                resend(raw, sf, plain);
                awaitTwice(sf, handles.get(0).id().value(), plain.getTaskId());
            }
            // Restarted: the index is rebuilt from the file, bounded the same way.
            try (WriterNode node = WriterNode.start(new io.swmrfacade.writer.WriterConfig(settings), Clock.systemUTC())) {
                resend(raw, sf, request(handles.get(1), facade, 1));
                awaitTwice(sf, handles.get(1).id().value());
                assertThat(node.failure()).isNull();
            }
            List<TaskRow> rows = WriterEvidence.rows(file);
            assertThat(rows).as("every task once in the file").hasSize(10 * WINDOW + 1);
            assertThat(rows.stream().map(TaskRow::taskId).distinct()).hasSize(10 * WINDOW + 1);
        }
    }

    /** The request the facade sent for {@code h}, as a client that resends it would send it again. */
    private static TaskRequest request(TaskHandle h, TaskFacade facade, int index) {
        return TaskRequest.newBuilder().setTaskId(h.id().value()).setSessionId(facade.session().value()).setSequence(h.sequence())
                .setType("echo").setPayload(com.google.protobuf.ByteString.copyFrom(("w" + index).getBytes(StandardCharsets.UTF_8)))
                .setRoutingKey("k" + index).build();
    }

    private static void resend(KafkaProducer<byte[], byte[]> raw, Installation sf, TaskRequest task) throws Exception {
        raw.send(new ProducerRecord<>(sf.prefix + "tasks", task.getRoutingKey().isEmpty() ? null : task.getRoutingKey().getBytes(StandardCharsets.UTF_8),
                task.toByteArray())).get();
    }

    /** Each task has two committed results naming the same row of the same file, with the same output. */
    private static void awaitTwice(Installation sf, String... taskIds) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, List<TaskResult>> committed = WriterEvidence.committedResults(sf);
            for (String id : taskIds) {
                List<TaskResult> results = committed.getOrDefault(id, List.of());
                assertThat(results).as("results of %s", id).hasSize(2);
                assertThat(results.get(1).getFile()).isEqualTo(results.get(0).getFile());
                assertThat(results.get(1).getRow()).isEqualTo(results.get(0).getRow());
                assertThat(results.get(1).getOutput()).isEqualTo(results.get(0).getOutput());
                assertThat(results.get(1).getStartedAtUs()).as("not run again").isEqualTo(results.get(0).getStartedAtUs());
            }
        });
    }
}
