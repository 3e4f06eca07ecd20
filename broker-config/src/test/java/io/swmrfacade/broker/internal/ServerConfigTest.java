package io.swmrfacade.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    @Test
    void the_shipped_local_configuration_bootstraps_on_the_plaintext_listener() {
        Path shipped = Path.of(System.getProperty("broker.config.dir", ".")).resolve("local/server.properties");

        ServerConfig config = ServerConfig.read(shipped);

        assertThat(config.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(config.listeners()).extracting(ServerConfig.Listener::port).containsExactly(9092, 9093);
    }

    @Test
    void render_keeps_the_template_and_appends_log_dirs_that_wins() throws IOException {
        Path template = dir.resolve("template.properties");
        Files.writeString(template, "# why this is set\nnode.id=1\nlog.dirs=/somewhere/else\n");
        Path rendered = dir.resolve("server.properties");

        // A space and a backslash: both legal in a Linux path, the backslash special to Properties.
        Path logDirs = dir.resolve("data dir\\x");

        ServerConfig.render(template, rendered, logDirs);

        String text = Files.readString(rendered);
        assertThat(text).contains("# why this is set").contains("node.id=1");
        Properties loaded = new Properties();
        loaded.load(Files.newBufferedReader(rendered));
        assertThat(loaded.getProperty("log.dirs")).isEqualTo(logDirs.toString());
    }

    @Test
    void bootstrap_skips_controller_listeners() throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "listeners=CONTROLLER://127.0.0.1:9093,CLIENTS://[::1]:9192\n"
                + "controller.listener.names=CONTROLLER\n");

        assertThat(ServerConfig.read(file).bootstrap()).isEqualTo("[::1]:9192");
    }

    @Test
    void a_malformed_listener_is_named_in_the_error() throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "listeners=PLAINTEXT:9092\n");

        assertThatThrownBy(() -> ServerConfig.read(file))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("PLAINTEXT:9092")
                .hasMessageContaining(file.toString());
    }
}
