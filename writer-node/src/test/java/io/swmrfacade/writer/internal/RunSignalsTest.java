package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.CancelRequest;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.WriterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link TaskRunner} with cancels and deadlines, on real threads (no broker). */
class RunSignalsTest {

    private static final TopicPartition TP = new TopicPartition("sf.tasks", 0);

    private final CancelBook cancels = new CancelBook();
    private final ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1);
    private final java.util.concurrent.ExecutorService workers = Executors.newCachedThreadPool();
    private final CountDownLatch started = new CountDownLatch(1);
    /** Opened when a test ends, so a handler that was never interrupted ends with it. */
    private final CountDownLatch testEnded = new CountDownLatch(1);

    @AfterEach
    void stop() {
        testEnded.countDown();
        timers.shutdownNow();
        workers.shutdownNow();
    }

    /** Blocks until interrupted (or the test ends, or a minute passes); counts its runs. */
    private final class Blocking implements TaskHandler {
        final boolean interruptible;
        volatile int runs;

        Blocking(boolean interruptible) {
            this.interruptible = interruptible;
        }

        @Override
        public String type() {
            return "block";
        }

        @Override
        public boolean interruptible() {
            return interruptible;
        }

        @Override
        public TaskOutput run(TaskInput input) throws Exception {
            runs++;
            started.countDown();
            if (!interruptible) {
                // Polls the signal instead of being interrupted, and finishes its work.
                boolean raised = input.cancel().await(Duration.ofSeconds(60));
                return TaskOutput.of("finished anyway; signal " + raised + ": " + input.cancel().reason());
            }
            testEnded.await(60, TimeUnit.SECONDS);
            throw new IllegalStateException("not interrupted");
        }
    }

    private TaskRunner runner(TaskHandler handler) {
        WriterConfig config = new WriterConfig(Map.of(WriterConfig.FILE, "x.h5"));
        return new TaskRunner(config, new HandlerRegistry(List.of(handler), ""), timers, new QueueChecks(cancels, Clock.systemUTC()),
                Clock.systemUTC());
    }

    private static Inflight task(String id, long deadlineUs, int retries) {
        TaskRequest r = TaskRequest.newBuilder().setTaskId(id).setSessionId("s1").setType("block")
                .setPayload(ByteString.EMPTY).setDeadlineUs(deadlineUs).setRetries(retries).setRetryBackoffMs(10).build();
        return new Inflight(r, TP, 0, 1, 0, 0, 3);
    }

    private CompletableFuture<Outcome> runAsync(TaskRunner runner, Inflight t) {
        return CompletableFuture.supplyAsync(() -> runner.run(t), workers);
    }

    @Test
    void a_cancel_interrupts_a_running_handler_and_the_task_ends_cancelled_without_retry() throws Exception {
        Blocking handler = new Blocking(true);
        CompletableFuture<Outcome> outcome = runAsync(runner(handler), task("t1", 0, 3));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        cancels.add(CancelRequest.newBuilder().setTaskId("t1").setRequestedBy("ann").build());
        Outcome o = outcome.get(10, TimeUnit.SECONDS);
        assertThat(o.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(new String(o.output())).isEqualTo("cancelled by ann while it ran");
        assertThat(o.started()).isTrue();
        assertThat(handler.runs).isEqualTo(1);
    }

    @Test
    void a_session_cancel_interrupts_the_running_tasks_of_that_session() throws Exception {
        CompletableFuture<Outcome> outcome = runAsync(runner(new Blocking(true)), task("t1", 0, 0));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        cancels.add(CancelRequest.newBuilder().setSessionId("other").build());
        assertThat(outcome).isNotDone();
        cancels.add(CancelRequest.newBuilder().setSessionId("s1").build());
        assertThat(outcome.get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void a_run_past_its_deadline_is_interrupted_and_expires() throws Exception {
        long deadline = (System.currentTimeMillis() + 300) * 1000;
        Outcome o = runAsync(runner(new Blocking(true)), task("t1", deadline, 2)).get(10, TimeUnit.SECONDS);
        assertThat(o.status()).isEqualTo(TaskStatus.EXPIRED);
        assertThat(new String(o.output())).startsWith("deadline passed after the task had run").endsWith("ms; interrupted");
    }

    @Test
    void a_handler_that_is_not_interruptible_gets_the_signal_finishes_and_keeps_its_result() throws Exception {
        CompletableFuture<Outcome> outcome = runAsync(runner(new Blocking(false)), task("t1", 0, 0));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        cancels.add(CancelRequest.newBuilder().setTaskId("t1").build());
        Outcome o = outcome.get(10, TimeUnit.SECONDS);
        assertThat(o.status()).isEqualTo(TaskStatus.OK);
        assertThat(new String(o.output())).isEqualTo("finished anyway; signal true: cancelled while it ran");
    }

    @Test
    void a_task_cancelled_before_its_handler_runs_never_runs_and_frees_its_slot() {
        Blocking handler = new Blocking(true);
        cancels.add(CancelRequest.newBuilder().setTaskId("t1").build());
        Outcome o = runner(handler).run(task("t1", 0, 0));
        assertThat(o.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(new String(o.output())).isEqualTo("cancelled before it started");
        assertThat(o.started()).isTrue();
        assertThat(handler.runs).isZero();
    }

    @Test
    void a_shutdown_interrupt_still_hands_the_task_back_and_no_signal_leaks_to_the_next_task() throws Exception {
        Blocking handler = new Blocking(true);
        TaskRunner runner = runner(handler);
        Thread[] worker = new Thread[1];
        CompletableFuture<Outcome> outcome = CompletableFuture.supplyAsync(() -> {
            worker[0] = Thread.currentThread();
            return runner.run(task("t1", 0, 0));
        }, workers);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        worker[0].interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS).handedBack()).isTrue();
        // The finished run's signal is gone: a late cancel of it touches nothing.
        cancels.add(CancelRequest.newBuilder().setTaskId("t1").build());
        assertThat(Thread.interrupted()).isFalse();
    }
}
