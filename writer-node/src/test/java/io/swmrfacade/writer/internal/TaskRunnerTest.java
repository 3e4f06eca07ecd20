package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.writer.WriterConfig;
import java.time.Duration;
import java.util.Map;
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
}
