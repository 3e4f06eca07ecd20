package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void usage_errors_exit_2_and_runtime_errors_exit_4() {
        assertThat(Main.run("submit")).isEqualTo(Main.USAGE); // --type is required
        assertThat(Main.run("no-such-command")).isEqualTo(Main.USAGE);
        assertThat(Main.run("collect", "--session", "not-a-session")).isEqualTo(Main.ERROR);
        assertThat(Main.run("submit", "--type", "append", "--payload", "{oops", "--bootstrap", "127.0.0.1:1")).isEqualTo(Main.ERROR);
    }

    @Test
    void durations_read_as_people_write_them() {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> c.convert("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void the_innermost_message_is_the_one_line_error() {
        Exception e = new RuntimeException("outer", new IllegalStateException("the broker at x:1 did not answer"));
        assertThat(Main.oneLine(e)).isEqualTo("the broker at x:1 did not answer");
    }
}
