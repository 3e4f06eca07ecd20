package io.swmrfacade.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

    private static final Path SHIPPED_SECURE_CLIENT = Path.of("../broker-config/secure/client.properties");

    @Test
    void the_shipped_secure_client_properties_pass_through_as_written() {
        Map<String, Object> merged = ConfigSources.merge(ClusterConfig.define(new ConfigDef()), SHIPPED_SECURE_CLIENT,
                Map.of(), Map.of());

        Map<String, Object> kafka = ClusterConfig.kafkaPassThrough(merged);

        assertThat(merged).containsEntry(ClusterConfig.BOOTSTRAP, "kafka-1:9094");
        assertThat(kafka).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.location", "/etc/kafka/secrets/truststore.p12")
                .containsEntry("ssl.truststore.password", "truststore-secret")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .doesNotContainKey("bootstrap.servers");
        assertThat((String) kafka.get("sasl.jaas.config")).contains("ScramLoginModule required")
                .contains("username=\"sf-app\"");
    }

    @Test
    void only_security_keys_pass_bare_and_a_kafka_prefixed_key_wins() {
        Map<String, Object> originals = new HashMap<>();
        originals.put("security.protocol", "SASL_PLAINTEXT");
        originals.put("kafka.security.protocol", "SASL_SSL");
        originals.put("ssl.keystore.location", "/k.p12");
        originals.put("kafka.linger.ms", "5");
        originals.put("writer.file", "/data/w.h5");
        originals.put("acks", "0");

        assertThat(ClusterConfig.kafkaPassThrough(originals)).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"), Map.entry("ssl.keystore.location", "/k.p12"),
                Map.entry("linger.ms", "5"));
    }

    @Test
    void a_flag_or_explicit_bootstrap_wins_over_the_file_bootstrap_servers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "bootstrap.servers=a:1\n");
        ConfigDef def = ClusterConfig.define(new ConfigDef());

        assertThat(ConfigSources.merge(def, file, Map.of(), Map.of())).containsEntry(ClusterConfig.BOOTSTRAP, "a:1");
        assertThat(ConfigSources.merge(def, file, Map.of("SF_BOOTSTRAP", "b:2"), Map.of()))
                .containsEntry(ClusterConfig.BOOTSTRAP, "b:2");
        assertThat(ConfigSources.merge(def, file, Map.of(), Map.of(ClusterConfig.BOOTSTRAP, "c:3")))
                .containsEntry(ClusterConfig.BOOTSTRAP, "c:3");
    }
}
