package io.swmrfacade.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.topology.ClusterConfig;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code writer.metrics.port}: off by default, checked when the config is built, and a taken port fails the start before the file is touched. */
class WriterMetricsPortTest {

    @TempDir
    Path dir;

    private Map<String, Object> settings(Object port) {
        return Map.of(ClusterConfig.BOOTSTRAP, "127.0.0.1:1", WriterConfig.FILE, dir.resolve("run.h5").toString(),
                WriterConfig.METRICS_PORT, port);
    }

    @Test
    void metrics_are_off_unless_a_port_is_given() {
        WriterConfig config = new WriterConfig(Map.of(WriterConfig.FILE, "run.h5"));
        assertThat(config.metricsPort()).isEqualTo(-1);
        assertThat(config.getString(WriterConfig.METRICS_ADDRESS)).isEqualTo("127.0.0.1");
    }

    @Test
    void a_port_out_of_range_is_refused_naming_the_setting_and_value() {
        assertThatThrownBy(() -> new WriterConfig(settings(70000))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(WriterConfig.METRICS_PORT).hasMessageContaining("70000");
    }

    @Test
    void a_taken_port_fails_the_start_naming_the_address_before_the_file_is_created() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            WriterConfig config = new WriterConfig(settings(taken.getLocalPort()));
            assertThatThrownBy(() -> WriterNode.start(config, Clock.systemUTC())).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort());
            assertThat(Files.exists(dir.resolve("run.h5"))).isFalse();
        }
    }
}
