package io.swmrfacade.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.swmrfacade.proto.v1.Heartbeat;
import org.junit.jupiter.api.Test;

class HeartbeatLogTest {

    private static Heartbeat hb(String id, long pid, long atSeconds, long done) {
        return Heartbeat.newBuilder().setWorkerId(id).setPid(pid).setAtUs(atSeconds * 1_000_000L).setTasksDone(done).build();
    }

    @Test
    void rate_is_tasks_done_over_the_last_five_seconds_of_heartbeats() {
        HeartbeatLog log = new HeartbeatLog();
        log.add(hb("w", 1, 100, 0));
        assertThat(log.tasksPerSecond("w")).as("one heartbeat is no rate").isZero();
        for (int s = 101; s <= 110; s++) {
            log.add(hb("w", 1, s, (s - 100) * 50L + (s > 105 ? (s - 105) * 50L : 0)));
        }
        // From 105 to 110 the node did 100 tasks a second.
        assertThat(log.tasksPerSecond("w")).isCloseTo(100.0, within(0.01));
        assertThat(log.latest("w").getAtUs()).isEqualTo(110_000_000L);
        assertThat(log.tasksPerSecond("other")).isZero();
        assertThat(log.latest("other")).isNull();
    }

    @Test
    void a_restarted_node_counting_from_zero_again_never_shows_a_negative_rate() {
        HeartbeatLog log = new HeartbeatLog();
        log.add(hb("w", 1, 100, 500));
        log.add(hb("w", 1, 101, 600));
        log.add(hb("w", 2, 110, 0));
        log.add(hb("w", 2, 111, 20));
        assertThat(log.tasksPerSecond("w")).isCloseTo(20.0, within(0.01));
    }
}
