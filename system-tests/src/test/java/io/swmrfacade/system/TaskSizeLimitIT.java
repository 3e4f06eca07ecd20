package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.topology.TaskLimits;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 item 3: one task size limit ({@link TaskLimits}), which the topics actually carry. A task
 * at the limit goes through end to end (the broker's own default, about 1 MiB, once refused it and
 * the facade said only "not confirmed within 30 s"); one byte over is refused before anything is
 * sent, naming the limit; and a writer rejects an oversized task that another client sends anyway.
 */
class TaskSizeLimitIT {

    @TempDir
    Path dir;

    @Test
    void a_task_at_the_size_limit_goes_through_and_one_byte_more_is_refused_at_submit() throws Exception {
        Path file = dir.resolve("limit.h5");
        byte[] atLimit = new byte[TaskLimits.MAX_PAYLOAD_BYTES];
        new Random(8).nextBytes(atLimit);
        try (Installation sf = new Installation("size-limit", 1)) {
            WriterNode writer = sf.writer(file, "limit-writer");
            try (TaskFacade facade = sf.facade().build()) {
                assertThatThrownBy(() -> Task.of("echo", new byte[TaskLimits.MAX_PAYLOAD_BYTES + 1]))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("payload of " + (TaskLimits.MAX_PAYLOAD_BYTES + 1) + " bytes")
                        .hasMessageContaining("limit of " + TaskLimits.MAX_PAYLOAD_BYTES + " bytes");
                TaskHandle h = facade.submit(Task.of("echo", atLimit));
                TaskResult r = h.result().get(120, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.error()).isEqualTo(TaskStatus.OK);
                assertThat(Arrays.equals(r.output(), atLimit)).as("the echo of the whole payload").isTrue();
                assertThat(facade.close(Duration.ofSeconds(30))).isEmpty();
            }
            writer.close();
            assertThat(writer.failure()).isNull();
            try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
                assertThat(f.poll().totalRows()).isEqualTo(1);
            }
        }
    }

    @Test
    void a_writer_rejects_an_oversized_task_that_another_client_sent_naming_the_limit() throws Exception {
        Path file = dir.resolve("other-client.h5");
        String taskId = TaskId.next().value();
        try (Installation sf = new Installation("size-other", 1)) {
            WriterNode writer = sf.writer(file, "other-client-writer");
            TaskRequest big = TaskRequest.newBuilder().setTaskId(taskId).setSessionId("0190d7a4-0000-7000-8000-000000000001")
                    .setSequence(1).setType("echo").setPayload(ByteString.copyFrom(new byte[TaskLimits.MAX_PAYLOAD_BYTES + 1]))
                    .build();
            Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TaskLimits.MAX_RECORD_BYTES);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(sf.prefix + "tasks", big.toByteArray())).get(60, TimeUnit.SECONDS);
            }
            List<io.swmrfacade.proto.v1.TaskResult> results = Awaitility.await("the writer's result for " + taskId)
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> WriterEvidence.committedResults(sf).getOrDefault(taskId, List.of()), l -> !l.isEmpty());
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(io.swmrfacade.proto.v1.TaskStatus.REJECTED);
                assertThat(r.getError()).contains("limit of " + TaskLimits.MAX_PAYLOAD_BYTES + " bytes")
                        .contains("TaskLimits.MAX_PAYLOAD_BYTES");
            });
            writer.close();
            assertThat(writer.failure()).isNull();
        }
    }
}
