package io.swmrfacade.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka client security settings given to the builder reach the facade's Kafka clients: a
 * truststore that does not exist stops them being made, naming the file.
 */
class FacadeSecuritySettingsTest {

    @Test
    void ssl_settings_given_as_a_map_reach_the_facades_kafka_clients(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-truststore.p12");
        TaskFacade.Builder builder = TaskFacade.builder().bootstrap("127.0.0.1:1").topicPrefix("unit.")
                .kafka(Map.of("security.protocol", "SSL", "ssl.truststore.type", "PKCS12",
                        "ssl.truststore.location", missing.toString(), "ssl.truststore.password", "x"));

        assertThatThrownBy(builder::build).hasStackTraceContaining(missing.toString());
    }
}
