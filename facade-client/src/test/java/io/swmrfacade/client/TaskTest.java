package io.swmrfacade.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void a_type_is_1_to_32_of_lower_case_letters_digits_underscore_dot_and_dash() {
        assertThat(Task.of("echo", "x").type()).isEqualTo("echo");
        assertThat(Task.of("a.b_c-9", "x").type()).isEqualTo("a.b_c-9");
        assertThat(Task.of("x".repeat(32), "x").type()).hasSize(32);
        for (String bad : new String[] {"", "x".repeat(33), "Echo", "echo!", "e cho", "é"}) {
            assertThatThrownBy(() -> Task.of(bad, "x")).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("task type '" + bad + "' must be 1-32 of a-z 0-9 _ . -");
        }
    }
}
