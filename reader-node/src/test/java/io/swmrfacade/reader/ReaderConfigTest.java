package io.swmrfacade.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ReaderConfigTest {

    @Test
    void defaults_poll_every_millisecond_and_report_twice_a_second_with_http_off() {
        ReaderConfig c = new ReaderConfig(Map.of(ReaderConfig.FILE, "data/run.h5"));
        assertThat(c.file()).isEqualTo(Path.of("data/run.h5").toAbsolutePath());
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(1));
        assertThat(c.reportInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.httpPort()).isEqualTo(ReaderConfig.HTTP_OFF);
        assertThat(c.monitorEnabled()).isTrue();
        assertThat(c.openTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.readerId().value()).startsWith("reader-").endsWith("-" + ProcessHandle.current().pid());
        assertThat(c.topics().monitor()).isEqualTo("sf.monitor");
    }

    @Test
    void every_key_has_documentation() {
        ReaderConfig.DEFINITION.configKeys().values()
                .forEach(k -> assertThat(k.documentation).as(k.name).isNotBlank());
    }

    @Test
    void the_file_is_required() {
        assertThatThrownBy(() -> new ReaderConfig(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(ReaderConfig.FILE);
    }

    @Test
    void bad_values_are_refused_naming_the_key_and_value() {
        assertThatThrownBy(() -> new ReaderConfig(Map.of(ReaderConfig.FILE, "x.h5", ReaderConfig.POLL_MS, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ReaderConfig.POLL_MS).hasMessageContaining("0");
        assertThatThrownBy(() -> new ReaderConfig(Map.of(ReaderConfig.FILE, "x.h5", ReaderConfig.HTTP_PORT, "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ReaderConfig.HTTP_PORT);
        assertThatThrownBy(() -> new ReaderConfig(Map.of(ReaderConfig.FILE, "x.h5", ReaderConfig.ID, "reader 1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reader 1");
    }

    @Test
    void environment_and_flags_override_the_defaults_and_kafka_keys_pass_through() {
        ReaderConfig c = ReaderConfig.load(null, Map.of("SF_READER_FILE", "env.h5", "SF_READER_HTTP_PORT", "8080"),
                Map.of(ReaderConfig.HTTP_PORT, "0", "kafka.security.protocol", "SSL"));
        assertThat(c.file().getFileName().toString()).isEqualTo("env.h5");
        assertThat(c.httpPort()).isZero();
        assertThat(c.kafkaOverrides()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void main_arguments_become_flags() {
        ReaderConfig c = ReaderMain.loadConfig(new String[] {"--reader.file=a.h5", "reader.http.port=0"});
        assertThat(c.file().getFileName().toString()).isEqualTo("a.h5");
        assertThatThrownBy(() -> ReaderMain.loadConfig(new String[] {"oops"})).hasMessageContaining("oops");
    }
}
