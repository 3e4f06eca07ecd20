package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;

class NodeStartupTest {

    private final NodeStartup startup = new NodeStartup(0, 0, 0, new LogContext().logger(NodeStartupTest.class));

    @Test
    void registration_and_the_topic_check_run_side_by_side_and_the_first_assignment_waits_for_both() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        AtomicBoolean overlapped = new AtomicBoolean(true);
        Runnable phase = () -> {
            bothRunning.countDown();
            try {
                overlapped.compareAndSet(true, bothRunning.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        startup.begin(phase, phase);
        startup.awaitReady();
        assertThat(overlapped).isTrue();
        startup.throwIfFailed();
    }

    @Test
    void a_fenced_registration_reaches_the_loop_as_itself() {
        startup.begin(() -> {
            throw new ProducerFencedException("a newer node took over");
        }, () -> { });
        assertThatThrownBy(startup::awaitReady).isInstanceOf(ProducerFencedException.class);
        assertThatThrownBy(startup::throwIfFailed).isInstanceOf(ProducerFencedException.class);
    }
}
