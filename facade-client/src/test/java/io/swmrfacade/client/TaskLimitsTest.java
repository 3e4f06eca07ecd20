package io.swmrfacade.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.topology.TaskLimits;
import org.junit.jupiter.api.Test;

/** The size limits of a task are checked when it is made, before any facade could send it. */
class TaskLimitsTest {

    @Test
    void a_payload_at_the_limit_is_a_task_and_one_byte_more_is_refused_naming_the_limit() {
        assertThat(Task.of("echo", new byte[TaskLimits.MAX_PAYLOAD_BYTES]).payload()).hasSize(TaskLimits.MAX_PAYLOAD_BYTES);
        assertThatThrownBy(() -> Task.of("echo", new byte[TaskLimits.MAX_PAYLOAD_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task of type 'echo': payload of 16777217 bytes is over the limit of 16777216 bytes"
                        + " (16 MiB, TaskLimits.MAX_PAYLOAD_BYTES)");
    }

    @Test
    void a_routing_key_over_its_limit_is_refused_naming_the_limit() {
        String atLimit = "k".repeat(TaskLimits.MAX_ROUTING_KEY_CHARS);
        assertThat(Task.of("echo", "x").withRoutingKey(atLimit).routingKey()).isEqualTo(atLimit);
        assertThatThrownBy(() -> Task.of("echo", "x").withRoutingKey(atLimit + "k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routing key of 1025 characters").hasMessageContaining("TaskLimits.MAX_ROUTING_KEY_CHARS");
    }

    @Test
    void a_record_at_the_limits_fits_the_record_limit() {
        // The envelope (ids, type, key twice: record key and field) must fit in the room left.
        int envelope = 2 * 36 + 32 + 2 * 3 * TaskLimits.MAX_ROUTING_KEY_CHARS + 256;
        assertThat(TaskLimits.MAX_PAYLOAD_BYTES + envelope).isLessThan(TaskLimits.MAX_RECORD_BYTES);
    }
}
