package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class LoopRestartsTest {

    @Test
    void fenced_unknown_commits_and_retriable_errors_restart_the_loop_and_bugs_or_refusals_do_not() {
        assertThat(LoopRestarts.restartable(new ProducerFencedException("fenced"))).isTrue();
        assertThat(LoopRestarts.restartable(new CommitOutcomeUnknownException("unknown", new TimeoutException("t")))).isTrue();
        assertThat(LoopRestarts.restartable(new KafkaException("wrapped", new TimeoutException("t")))).isTrue();
        assertThat(LoopRestarts.restartable(new IllegalStateException("a bug"))).isFalse();
        assertThat(LoopRestarts.restartable(new AuthorizationException("no"))).isFalse();
        assertThat(LoopRestarts.restartable(new FencedInstanceIdException("another node took this id"))).isFalse();
        assertThat(LoopRestarts.restartable(null)).isFalse();
    }

    @Test
    void waits_double_up_to_the_cap_and_the_node_gives_up_after_too_many_restarts_in_the_window() {
        AtomicLong now = new AtomicLong();
        LoopRestarts restarts = new LoopRestarts(now::get);
        assertThat(restarts.next()).contains(Duration.ofSeconds(1));
        assertThat(restarts.next()).contains(Duration.ofSeconds(2));
        assertThat(restarts.next()).contains(Duration.ofSeconds(4));
        assertThat(restarts.next()).contains(Duration.ofSeconds(8));
        assertThat(restarts.next()).contains(Duration.ofSeconds(16));
        assertThat(restarts.next()).as("a sixth restart within the window").isEmpty();
        assertThat(restarts.total()).isEqualTo(5);

        now.addAndGet(LoopRestarts.WINDOW.toNanos() + 1);
        assertThat(restarts.next()).as("after a quiet window, from the start again").contains(Duration.ofSeconds(1));
    }
}
