package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.TaskRejectedException;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handler failures: exceptions and per-type time limits give FAILED results with the reason;
 * tasks that ask for retries are run again after a backoff, and the attempts are recorded.
 * Tasks are produced as raw TaskRequest records, as any Kafka client could.
 */
class WriterFailuresIT {

    @TempDir
    Path dir;

    /** Fails until the attempt number reaches the payload's number. */
    static final class Flaky implements TaskHandler {
        @Override
        public String type() {
            return "flaky";
        }

        @Override
        public TaskOutput run(TaskInput input) {
            int succeedOn = Integer.parseInt(new String(input.payload(), StandardCharsets.UTF_8));
            if (input.attempt() < succeedOn) {
                throw new IllegalStateException("attempt " + input.attempt() + " failed");
            }
            return TaskOutput.of("ok on attempt " + input.attempt());
        }
    }

    /** Always rejects its input. */
    static final class Picky implements TaskHandler {
        @Override
        public String type() {
            return "picky";
        }

        @Override
        public TaskOutput run(TaskInput input) {
            throw new TaskRejectedException("picky never likes '" + new String(input.payload(), StandardCharsets.UTF_8) + "'");
        }
    }

    @Test
    void failures_and_time_limits_give_failed_results_and_retries_run_with_backoff_until_success_or_exhaustion() throws Exception {
        Path file = dir.resolve("failures.h5");
        try (Installation sf = new Installation("failures", 2)) {
            Map<String, Object> settings = sf.writerSettings(file, "failures-writer");
            settings.put(WriterConfig.TYPE_TIMEOUTS, "sleep=300ms");
            WriterNode writer = WriterNode.start(new WriterConfig(settings), Clock.systemUTC(), List.of(new Flaky(), new Picky()));
            Map<String, TaskRequest> sent = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = producer(sf)) {
                send(producer, sf, sent, "recovers", task("flaky", "3").setRetries(3).setRetryBackoffMs(100));
                send(producer, sf, sent, "exhausted", task("flaky", "9").setRetries(2).setRetryBackoffMs(10));
                send(producer, sf, sent, "no-retry", task("flaky", "2"));
                send(producer, sf, sent, "too-slow", task("sleep", "30"));
                send(producer, sf, sent, "rejected", task("picky", "x").setRetries(5));
                send(producer, sf, sent, "fine", task("echo", "hi"));
            }
            Map<String, TaskResult> byName = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Map<String, List<TaskResult>> committed = WriterEvidence.committedResults(sf);
                sent.forEach((name, t) -> {
                    List<TaskResult> r = committed.get(t.getTaskId());
                    if (r != null) {
                        assertThat(r).as("results of %s", name).hasSize(1);
                        byName.put(name, r.get(0));
                    }
                });
                return byName.size() == sent.size();
            });
            writer.close();
            assertThat(writer.failure()).isNull();

            assertThat(byName.get("recovers")).satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(TaskStatus.OK);
                assertThat(r.getOutput().toStringUtf8()).isEqualTo("ok on attempt 3");
                assertThat(r.getAttempts()).isEqualTo(3);
                // Two backoffs, 100 ms then 200 ms, lie between its start and its end.
                assertThat(r.getFinishedAtUs() - r.getStartedAtUs()).isGreaterThanOrEqualTo(300_000);
            });
            assertThat(byName.get("exhausted")).satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(TaskStatus.FAILED);
                assertThat(r.getAttempts()).isEqualTo(3);
                assertThat(r.getError()).isEqualTo("failed 3 times, last: IllegalStateException: attempt 3 failed");
            });
            assertThat(byName.get("no-retry")).satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(TaskStatus.FAILED);
                assertThat(r.getAttempts()).isEqualTo(1);
                assertThat(r.getError()).isEqualTo("IllegalStateException: attempt 1 failed");
            });
            assertThat(byName.get("too-slow")).satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(TaskStatus.FAILED);
                assertThat(r.getError()).isEqualTo("timed out after 300 ms (writer.type.timeouts sleep)");
            });
            assertThat(byName.get("rejected")).satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(TaskStatus.REJECTED);
                assertThat(r.getAttempts()).as("a rejected task is never retried").isEqualTo(1);
                assertThat(r.getError()).isEqualTo("picky never likes 'x'");
            });
            assertThat(byName.get("fine").getStatus()).isEqualTo(TaskStatus.OK);

            // The file's task table holds the same statuses and attempts.
            Map<String, TaskRow> rows = new HashMap<>();
            WriterEvidence.rows(file).forEach(r -> rows.put(r.taskId(), r));
            byName.values().forEach(r -> {
                TaskRow row = rows.get(r.getTaskId());
                assertThat(row.status()).isEqualTo(r.getStatusValue());
                assertThat(row.attempts()).isEqualTo(r.getAttempts());
            });
        }
    }

    private static TaskRequest.Builder task(String type, String payload) {
        return TaskRequest.newBuilder().setTaskId(UUID.randomUUID().toString()).setSessionId("failures-session")
                .setType(type).setPayload(ByteString.copyFromUtf8(payload)).setSubmittedAtUs(System.currentTimeMillis() * 1000);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Installation sf, Map<String, TaskRequest> sent,
                             String name, TaskRequest.Builder b) throws Exception {
        TaskRequest t = b.setSequence(sent.size() + 1).build();
        producer.send(new ProducerRecord<>(sf.prefix + "tasks", null, t.toByteArray())).get();
        sent.put(name, t);
    }

    private static KafkaProducer<byte[], byte[]> producer(Installation sf) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
