package io.swmrfacade.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class MonitorConfigTest {

    @Test
    void defaults_keep_the_page_off_and_on_loopback() {
        MonitorConfig c = new MonitorConfig(Map.of());
        assertThat(c.httpPort()).isEqualTo(MonitorConfig.HTTP_OFF);
        assertThat(c.httpAddress()).isEqualTo("127.0.0.1");
        assertThat(c.writerGroup()).isEqualTo("sf.writers");
        assertThat(c.workerTimeout().toMillis()).isEqualTo(5_000);
    }

    @Test
    void a_bad_value_is_refused_naming_the_key_and_the_value() {
        assertThatThrownBy(() -> new MonitorConfig(Map.of(MonitorConfig.HTTP_PORT, "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(MonitorConfig.HTTP_PORT).hasMessageContaining("70000");
        assertThatThrownBy(() -> new MonitorConfig(Map.of(MonitorConfig.REFRESH_MS, "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(MonitorConfig.REFRESH_MS).hasMessageContaining("10");
    }
}
