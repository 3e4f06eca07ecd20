package io.swmrfacade.testkafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaVersionTest {

    @Test
    void the_clients_version_is_read_from_their_jar_and_names_the_container_image() {
        assertThat(KafkaVersion.clients()).matches("4\\.\\d+\\.\\d+");
        assertThat(TestKafka.IMAGE).isEqualTo("apache/kafka:" + KafkaVersion.clients());
    }
}
