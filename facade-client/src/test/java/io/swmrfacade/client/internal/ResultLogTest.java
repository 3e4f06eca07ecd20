package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ResultLogTest {

    private static TaskResult result() {
        return new TaskResult(TaskId.next(), 1, "echo", TaskStatus.OK, null, "", 1, "w", "f", 0);
    }

    /** Requests only when told; can block in onNext to play a slow consumer. */
    private static final class Probe implements Flow.Subscriber<TaskResult> {
        final List<TaskResult> got = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        volatile Flow.Subscription s;
        volatile Throwable error;
        volatile boolean complete;
        volatile boolean blockFirst;

        public void onSubscribe(Flow.Subscription s) {
            this.s = s;
        }

        public void onNext(TaskResult r) {
            got.add(r);
            if (blockFirst && got.size() == 1) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        public void onError(Throwable t) {
            error = t;
        }

        public void onComplete() {
            complete = true;
        }
    }

    @Test
    void a_subscriber_gets_earlier_results_then_new_ones_never_more_than_requested_then_completes() {
        ResultLog log = new ResultLog("test-stream");
        TaskResult a = result();
        log.append(a);
        Probe p = new Probe();
        log.subscribe(p);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.s != null);
        TaskResult b = result();
        TaskResult c = result();
        log.append(b);
        log.append(c);
        p.s.request(2);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.got.size() == 2);
        log.close();
        assertThat(p.got).containsExactly(a, b);
        assertThat(p.complete).as("not complete while a result is still untaken").isFalse();
        p.s.request(1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.complete);
        assertThat(p.got).containsExactly(a, b, c);
    }

    @Test
    void a_blocked_subscriber_never_blocks_the_appending_thread_or_other_subscribers() {
        ResultLog log = new ResultLog("test-stream");
        Probe slow = new Probe();
        slow.blockFirst = true;
        Probe fast = new Probe();
        log.subscribe(slow);
        log.subscribe(fast);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> slow.s != null && fast.s != null);
        slow.s.request(Long.MAX_VALUE);
        fast.s.request(Long.MAX_VALUE);
        for (int i = 0; i < 10_000; i++) {
            log.append(result()); // returns although the slow subscriber is stuck in onNext
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fast.got.size() == 10_000);
        assertThat(slow.got).hasSize(1);
        slow.release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> slow.got.size() == 10_000);
        assertThat(slow.got).containsExactlyElementsOf(fast.got);
    }

    @Test
    void a_non_positive_request_is_an_error_as_the_spec_says() {
        ResultLog log = new ResultLog("test-stream");
        Probe p = new Probe();
        log.subscribe(p);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.s != null);
        p.s.request(0);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.error != null);
        assertThat(p.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
    }
}
