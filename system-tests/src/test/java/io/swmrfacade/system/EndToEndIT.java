package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.writer.WriterNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every built-in task type and every kind of bad input, through real Kafka and a real SWMR file. */
class EndToEndIT {

    private static final String EX = "/live_survey/MT001/run_001/Ex";
    private static final String COUNTER = "/live_survey/MT001/run_001/counter";

    @TempDir
    Path dir;

    @Test
    void every_task_gets_one_result_matched_by_id_and_one_row_in_the_file() throws Exception {
        Path file = dir.resolve("e2e.h5");
        try (Installation sf = new Installation("e2e", 3)) {
            Map<TaskId, String> expectedOk = new HashMap<>();
            Map<TaskId, TaskStatus> expectedStatus = new HashMap<>();
            List<TaskHandle> handles = new ArrayList<>();
            WriterNode writer = sf.writer(file, "e2e-writer");
            try (TaskFacade facade = sf.facade().build()) {
                for (int i = 0; i < 20; i++) {
                    TaskHandle h = facade.submit(Task.of("echo", "hello " + i));
                    expectedOk.put(h.id(), "hello " + i);
                    handles.add(h);
                }
                for (int i = 0; i < 5; i++) {
                    TaskHandle h = facade.submit(Task.of("sleep", "0.05"));
                    expectedOk.put(h.id(), h.id() + " solved after 0.05");
                    handles.add(h);
                }
                for (int i = 0; i < 10; i++) {
                    // One routing key: the appends of a stream stay in order.
                    TaskHandle h = facade.submit(Task.of("append", Payloads.float32(EX, i * 100, 100)).withRoutingKey(EX));
                    expectedOk.put(h.id(), "appended 100 float32 samples to " + EX);
                    handles.add(h);
                    TaskHandle c = facade.submit(Task.of("append", Payloads.int64(COUNTER, i * 10L, 10)).withRoutingKey(COUNTER));
                    expectedOk.put(c.id(), "appended 10 int64 samples to " + COUNTER);
                    handles.add(c);
                }
                Map<TaskId, String> rejections = new HashMap<>();
                rejections.put(facade.submit(Task.of("no-such-type", "x")).id(), "unknown task type 'no-such-type'");
                rejections.put(facade.submit(Task.of("sleep", "soon")).id(), "sleep payload must be a number of seconds");
                rejections.put(facade.submit(Task.of("append", Payloads.float32("relative/path", 0, 1))).id(), "must be absolute");
                rejections.put(facade.submit(Task.of("append", Payloads.float32("/sf/tasks", 0, 1))).id(), "reserves");
                rejections.put(facade.submit(Task.of("append", "not protobuf \u0001\u0002")).id(), "");
                rejections.put(facade.submit(Task.of("append", Payloads.int64(EX, 0, 1)).withRoutingKey(EX)).id(), "holds float32, not int64");
                rejections.keySet().forEach(id -> expectedStatus.put(id, TaskStatus.REJECTED));
                sendGarbageRecord(sf);

                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.missing()).isEmpty();
                assertThat(all.results()).hasSize(expectedOk.size() + rejections.size());
                for (TaskResult r : all.results()) {
                    if (expectedOk.containsKey(r.id())) {
                        assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.OK);
                        assertThat(r.outputText()).isEqualTo(expectedOk.get(r.id()));
                    } else {
                        assertThat(r.status()).as(r.toString()).isEqualTo(TaskStatus.REJECTED);
                        assertThat(r.error()).contains(rejections.get(r.id()));
                    }
                }
                // In submission order, and each future completed with the same result.
                assertThat(all.results()).extracting(TaskResult::id).isSorted();
                for (TaskHandle h : handles) {
                    assertThat(h.result()).isCompleted();
                    assertThat(h.result().get().id()).isEqualTo(h.id());
                }
                // collect may be called again and gives the same answer.
                assertThat(facade.collect(Duration.ofMillis(10)).results()).isEqualTo(all.results());
                // Committed: each task answered once; results flushed together went out packed, fewer records than tasks.
                assertThat(WriterEvidence.committedResults(sf)).hasSize(all.results().size())
                        .allSatisfy((id, results) -> assertThat(results).as(id).hasSize(1));
                assertThat(WriterEvidence.committed(sf, sf.prefix + "results")).as("records on the results topic")
                        .hasSizeLessThan(all.results().size());
            }
            assertThat(deadLetters(sf)).singleElement().satisfies(d -> assertThat(d.getReason()).contains("not a TaskRequest"));
            writer.close();
            assertThat(writer.failure()).isNull();
            checkFile(file, expectedOk.size() + expectedStatus.size());
        }
    }

    /** Reads the closed file back: every task once, every sample value exact and in order. */
    private static void checkFile(Path file, int tasks) {
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            SwmrFollower.Update u = f.poll();
            Set<String> ids = new HashSet<>();
            u.newRows().forEach(r -> assertThat(ids.add(r.row().taskId())).as("row of %s appears once", r.row().taskId()).isTrue());
            assertThat(u.totalRows()).isEqualTo(tasks);
            assertThat(u.streams().get(EX).samples()).isEqualTo(1000);
            assertThat(u.streams().get(COUNTER).samples()).isEqualTo(100);
            ByteBuffer ex = ByteBuffer.wrap(f.readSamplesAcrossSegments(EX)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 1000; i++) {
                assertThat(ex.getFloat()).isEqualTo((float) i);
            }
            ByteBuffer counter = ByteBuffer.wrap(f.readSamplesAcrossSegments(COUNTER)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 100; i++) {
                assertThat(counter.getLong()).isEqualTo(i);
            }
        }
    }

    private static void sendGarbageRecord(Installation sf) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(sf.prefix + "tasks", "garbage".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xff, 0x01, 0x02, 0x03}));
        }
    }

    private static List<DeadLetter> deadLetters(Installation sf) throws Exception {
        return WriterEvidence.deadLetters(sf);
    }
}
