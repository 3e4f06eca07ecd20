package io.swmrfacade.testkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.swmrfacade.testkafka.BrokerChoice.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerChoiceTest {

    private final AtomicInteger probes = new AtomicInteger();
    private final DockerProbe docker = () -> {
        probes.incrementAndGet();
        return null;
    };
    private final DockerProbe noDocker = () -> {
        probes.incrementAndGet();
        return "no socket";
    };

    @Test
    void a_reachable_docker_engine_gives_the_container() {
        BrokerChoice c = BrokerChoice.choose(Map.of(), docker);
        assertThat(c.source()).isEqualTo(Source.CONTAINER);
        assertThat(probes).hasValue(1);
    }

    @Test
    void no_docker_engine_gives_the_in_jvm_test_kit_and_says_why() {
        BrokerChoice c = BrokerChoice.choose(Map.of("SF_TEST_BROKER", "auto"), noDocker);
        assertThat(c.source()).isEqualTo(Source.IN_JVM);
        assertThat(c.reason()).contains("no socket");
    }

    @Test
    void sf_bootstrap_wins_and_docker_is_not_asked() {
        BrokerChoice c = BrokerChoice.choose(Map.of("SF_BOOTSTRAP", "10.0.0.1:9092", "SF_TEST_BROKER", "container"), docker);
        assertThat(c.source()).isEqualTo(Source.EXTERNAL);
        assertThat(c.reason()).contains("10.0.0.1:9092");
        assertThat(probes).hasValue(0);
    }

    @Test
    void testkit_is_used_when_asked_for_even_with_docker_and_docker_is_not_asked() {
        assertThat(BrokerChoice.choose(Map.of("SF_TEST_BROKER", "testkit"), docker).source()).isEqualTo(Source.IN_JVM);
        assertThat(probes).hasValue(0);
    }

    @Test
    void container_asked_for_without_docker_fails_naming_the_setting() {
        assertThatThrownBy(() -> BrokerChoice.choose(Map.of("SF_TEST_BROKER", "container"), noDocker))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SF_TEST_BROKER=container").hasMessageContaining("no socket");
    }

    @Test
    void an_unknown_mode_is_refused_by_name_and_value() {
        assertThatThrownBy(() -> BrokerChoice.choose(Map.of("SF_TEST_BROKER", "docker"), docker))
                .hasMessage("SF_TEST_BROKER='docker' is not one of auto, testkit, container");
    }

    @Test
    void the_local_probe_sees_no_sign_of_docker_in_an_empty_home_without_docker_host(@TempDir Path home) throws Exception {
        LocalDockerProbe probe = new LocalDockerProbe(Map.of(), home);
        // This machine has no Docker socket; where one exists the probe must see it, so only assert what is knowable.
        assertThat(probe.anySign()).isEqualTo(Files.exists(Path.of("/var/run/docker.sock")));
        assertThat(new LocalDockerProbe(Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375"), home).anySign()).isTrue();
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=tcp://10.0.0.1:2375\n");
        assertThat(new LocalDockerProbe(Map.of(), home).anySign()).isTrue();
    }

    @Test
    void the_local_probe_on_a_machine_without_docker_says_why_without_asking_testcontainers(@TempDir Path home) {
        assumeFalse(Files.exists(Path.of("/var/run/docker.sock")), "a Docker socket exists here");
        assertThat(new LocalDockerProbe(Map.of(), home).unavailableReason()).contains("no DOCKER_HOST");
    }
}
