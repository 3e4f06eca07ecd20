package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.CancelRequest;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.WriterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TaskRunnerTest {

    @Test
    void backoff_doubles_per_retry_up_to_a_minute() {
        assertThat(TaskRunner.backoff(100, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(TaskRunner.backoff(100, 1)).isEqualTo(Duration.ofMillis(200));
        assertThat(TaskRunner.backoff(100, 3)).isEqualTo(Duration.ofMillis(800));
        assertThat(TaskRunner.backoff(100, 40)).isEqualTo(Duration.ofSeconds(60));
        assertThat(TaskRunner.backoff(-5, 2)).isEqualTo(Duration.ZERO);
    }

    @Test
    void per_type_time_limits_override_the_default_and_bad_ones_are_refused() {
        WriterConfig c = new WriterConfig(Map.of(WriterConfig.FILE, "x.h5", WriterConfig.TYPE_TIMEOUTS, "sleep=10s,push=250ms,slow=2m"));
        assertThat(c.timeoutFor("sleep")).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.timeoutFor("push")).isEqualTo(Duration.ofMillis(250));
        assertThat(c.timeoutFor("slow")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.timeoutFor("echo")).isEqualTo(c.taskTimeout());
        assertThatThrownBy(() -> new WriterConfig(Map.of(WriterConfig.FILE, "x.h5", WriterConfig.TYPE_TIMEOUTS, "sleep=soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(WriterConfig.TYPE_TIMEOUTS);
    }

    @Test
    void echo_runs_on_the_calling_thread_other_types_do_not_and_a_cancelled_echo_is_not_run() {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        CancelBook cancels = new CancelBook();
        TaskRunner runner = new TaskRunner(new WriterConfig(Map.of(WriterConfig.FILE, "x.h5")),
                new HandlerRegistry(BuiltinHandlers.all(false), ""), timers, new QueueChecks(cancels, Clock.systemUTC()), Clock.systemUTC());
        Outcome echo = runner.runInline(task("e1", "echo", 0));
        assertThat(echo.status()).isEqualTo(TaskStatus.OK);
        assertThat(echo.output()).isEqualTo("hi".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(echo.result().output()).isEqualTo(echo.output());
        assertThat(echo.attempts()).isEqualTo(2);
        assertThat(echo.started()).isTrue();
        assertThat(runner.runInline(task("s1", "sleep", 0))).isNull();
        cancels.add(CancelRequest.newBuilder().setTaskId("e2").build());
        assertThat(runner.runInline(task("e2", "echo", 0)).status()).isEqualTo(TaskStatus.CANCELLED);
        timers.shutdownNow();
    }

    @Test
    void a_handler_that_runs_on_the_loop_gets_failed_and_rejected_outcomes_there_and_a_task_with_retries_goes_to_a_worker() {
        TaskHandler strict = new TaskHandler() {
            @Override
            public String type() {
                return "strict";
            }

            @Override
            public io.swmrfacade.writer.TaskOutput run(io.swmrfacade.writer.TaskInput input) {
                String p = new String(input.payload(), java.nio.charset.StandardCharsets.UTF_8);
                if (p.equals("hi")) {
                    throw new io.swmrfacade.writer.TaskRejectedException("not 'hi'");
                }
                throw new IllegalStateException("broken " + input.attempt());
            }

            @Override
            public boolean runsOnLoop() {
                return true;
            }
        };
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        TaskRunner runner = new TaskRunner(new WriterConfig(Map.of(WriterConfig.FILE, "x.h5")),
                new HandlerRegistry(List.of(strict), ""), timers, new QueueChecks(new CancelBook(), Clock.systemUTC()), Clock.systemUTC());
        Outcome rejected = runner.runInline(task("r1", "strict", 0));
        assertThat(rejected.status()).isEqualTo(TaskStatus.REJECTED);
        assertThat(new String(rejected.output(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("not 'hi'");
        Inflight other = new Inflight(TaskRequest.newBuilder().setTaskId("f1").setSessionId("s").setType("strict")
                .setPayload(ByteString.copyFromUtf8("x")).build(), new TopicPartition("sf.tasks", 0), 0, 1, 0, 1, 3);
        Outcome failed = runner.runInline(other);
        assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(new String(failed.output(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("IllegalStateException: broken 2");
        Inflight retrying = new Inflight(TaskRequest.newBuilder().setTaskId("f2").setSessionId("s").setType("strict")
                .setPayload(ByteString.copyFromUtf8("x")).setRetries(2).build(), new TopicPartition("sf.tasks", 0), 0, 1, 0, 1, 3);
        assertThat(runner.runInline(retrying)).as("retries need a backoff: a worker thread").isNull();
        timers.shutdownNow();
    }

    @Test
    void a_binary_append_of_up_to_a_mebibyte_runs_on_the_calling_thread_json_and_larger_ones_on_a_worker() {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        TaskRunner runner = new TaskRunner(new WriterConfig(Map.of(WriterConfig.FILE, "x.h5")),
                new HandlerRegistry(BuiltinHandlers.all(false), ""), timers, new QueueChecks(new CancelBook(), Clock.systemUTC()),
                Clock.systemUTC());
        byte[] samples = new byte[4 * 65_536];
        java.nio.ByteBuffer.wrap(samples).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0, 1.5f);
        ByteString binary = io.swmrfacade.proto.v1.AppendPayload.newBuilder().setStream("/live/Ex").setDtype("float32")
                .setSamples(ByteString.copyFrom(samples)).build().toByteString();
        Outcome onLoop = runner.runInline(append("a1", binary));
        assertThat(onLoop).isNotNull();
        assertThat(onLoop.status()).isEqualTo(TaskStatus.OK);
        assertThat(onLoop.result().samples()).isEqualTo(samples);
        assertThat(onLoop.result().stream().path()).isEqualTo("/live/Ex");
        ByteString json = ByteString.copyFromUtf8(" {\"stream\": \"/live/Ex\", \"dtype\": \"float32\", \"values\": [1.5]}");
        assertThat(runner.runInline(append("a2", json))).as("JSON is parsed on a worker").isNull();
        ByteString large = io.swmrfacade.proto.v1.AppendPayload.newBuilder().setStream("/live/Ex").setDtype("float32")
                .setSamples(ByteString.copyFrom(new byte[BuiltinHandlers.Append.LOOP_BYTES])).build().toByteString();
        assertThat(runner.runInline(append("a3", large))).as("over 1 MiB: a worker").isNull();
        timers.shutdownNow();
    }

    @Test
    void a_binary_append_on_the_loop_reads_its_payload_in_place_and_copies_only_its_samples() throws Exception {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        TaskRunner runner = new TaskRunner(new WriterConfig(Map.of(WriterConfig.FILE, "x.h5")),
                new HandlerRegistry(BuiltinHandlers.all(false), ""), timers, new QueueChecks(new CancelBook(), Clock.systemUTC()),
                Clock.systemUTC());
        byte[] samples = new byte[4 * 65_536];
        samples[7] = 42;
        ByteString payload = io.swmrfacade.proto.v1.AppendPayload.newBuilder().setStream("/live/Ex").setDtype("float32")
                .setSamples(ByteString.copyFrom(samples)).build().toByteString();
        // As the node decodes a fetched record: the request's payload is a view of the record's array.
        byte[] record = TaskRequest.newBuilder().setTaskId("a1").setSessionId("s").setType("append").setPayload(payload)
                .build().toByteArray();
        TaskRequest decoded = TaskRequest.parser().parseFrom(AliasedInput.of(record));
        Inflight t = new Inflight(decoded, new TopicPartition("sf.tasks", 0), 0, 1, 0, 0, 3);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        runner.runInline(t); // the first run loads classes
        long before = threads.getCurrentThreadAllocatedBytes();
        Outcome o = runner.runInline(t);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(o.status()).isEqualTo(TaskStatus.OK);
        assertThat(o.result().samples()).isEqualTo(samples);
        assertThat(allocated).as("one copy of the %d sample bytes, not of the payload too", samples.length)
                .isBetween((long) samples.length, samples.length * 3L / 2);
        Outcome garbage = runner.runInline(append("a2", ByteString.copyFrom(new byte[] {8, -1, -1})));
        assertThat(garbage.status()).as("a payload that is neither form, on the loop").isEqualTo(TaskStatus.REJECTED);
        assertThat(new String(garbage.output(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("append payload is neither an AppendPayload message nor its JSON form");
        timers.shutdownNow();
    }

    private static Inflight append(String id, ByteString payload) {
        TaskRequest r = TaskRequest.newBuilder().setTaskId(id).setSessionId("s").setType("append").setPayload(payload).build();
        return new Inflight(r, new TopicPartition("sf.tasks", 0), 0, 1, 0, 0, 3);
    }

    private static Inflight task(String id, String type, long deadlineUs) {
        TaskRequest r = TaskRequest.newBuilder().setTaskId(id).setSessionId("s").setType(type)
                .setPayload(ByteString.copyFromUtf8("hi")).setDeadlineUs(deadlineUs).build();
        return new Inflight(r, new TopicPartition("sf.tasks", 0), 0, 1, 0, 1, 3);
    }
}
