package io.swmrfacade.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LocalBroker's checks and bookkeeping, without starting a broker. */
class LocalBrokerTest {

    @TempDir
    Path home;

    @Test
    void start_without_kafka_lib_names_the_directory_and_the_build_command() throws IOException {
        TestHomes.withLocalConfig(home);

        assertThatThrownBy(() -> new LocalBroker(home).start(Duration.ofSeconds(5)))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining(home.resolve("broker-config/target/kafka-lib").toString())
                .hasMessageContaining("mvn -B -DskipTests package");
    }

    @Test
    void start_without_configuration_names_the_missing_file() throws IOException {
        fakeKafkaLib();

        assertThatThrownBy(() -> new LocalBroker(home).start(Duration.ofSeconds(5)))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining(home.resolve("broker-config/local/server.properties").toString());
    }

    @Test
    void start_when_a_listener_port_is_taken_says_which_address_is_in_use() throws IOException {
        fakeKafkaLib();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            writeTemplate("listeners=PLAINTEXT://127.0.0.1:" + taken.getLocalPort()
                    + ",CONTROLLER://127.0.0.1:0\ncontroller.listener.names=CONTROLLER\n");

            assertThatThrownBy(() -> new LocalBroker(home).start(Duration.ofSeconds(5)))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("already in use by another process");
        }
        assertThat(home.resolve("var/kafka/broker.pid")).doesNotExist();
    }

    @Test
    void start_rejects_a_non_positive_timeout() {
        assertThatThrownBy(() -> new LocalBroker(home).start(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void status_ignores_a_pid_file_naming_a_process_that_is_not_the_broker() throws IOException {
        TestHomes.withLocalConfig(home);
        Path pidFile = Files.createDirectories(home.resolve("var/kafka")).resolve("broker.pid");
        // This JVM is alive but is not kafka.Kafka: a pid reused after a crash looks like this.
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");

        LocalBroker.Status status = new LocalBroker(home).status();

        assertThat(status.running()).isFalse();
        assertThat(status.pid()).isEmpty();
        assertThat(status.bootstrap()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void stop_without_a_running_broker_is_a_no_op_that_removes_a_stale_pid_file() throws IOException {
        TestHomes.withLocalConfig(home);
        Path pidFile = Files.createDirectories(home.resolve("var/kafka")).resolve("broker.pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");

        new LocalBroker(home).stop(Duration.ofSeconds(1));

        assertThat(pidFile).doesNotExist();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    private void fakeKafkaLib() throws IOException {
        Path lib = Files.createDirectories(home.resolve("broker-config/target/kafka-lib"));
        Files.createFile(lib.resolve("kafka_2.13-4.1.1.jar"));
    }

    private void writeTemplate(String properties) throws IOException {
        Path local = Files.createDirectories(home.resolve("broker-config/local"));
        Files.writeString(local.resolve("server.properties"), properties);
        Files.writeString(local.resolve("log4j2.xml"), "<Configuration/>\n");
    }
}
