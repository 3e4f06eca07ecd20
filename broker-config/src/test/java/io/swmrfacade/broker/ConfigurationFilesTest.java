package io.swmrfacade.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped property files use only setting names that Kafka 4.1 knows, and Kafka accepts
 * their values: a misspelt key would otherwise be ignored silently by the broker.
 */
class ConfigurationFilesTest {

    /** listener.name.{listener}.{setting}, where setting may start with a SASL mechanism. */
    private static final Pattern LISTENER_OVERRIDE = Pattern.compile("listener\\.name\\.[a-z0-9_-]+\\.(.+)");
    private static final Pattern SASL_MECHANISM_PREFIX = Pattern.compile("[a-z0-9-]+\\.(.+)");

    @ParameterizedTest
    @ValueSource(strings = {
        "local/server.properties",
        "cluster-3/server-1.properties", "cluster-3/server-2.properties", "cluster-3/server-3.properties",
        "secure/server.properties"})
    void server_files_use_only_broker_settings_that_kafka_accepts(String file) throws IOException {
        Properties props = load(file);
        Set<String> known = new HashSet<>(AbstractKafkaConfig.CONFIG_DEF.names());
        // Read by the authorizer itself, not declared in the broker's ConfigDef.
        known.addAll(Set.of(StandardAuthorizer.SUPER_USERS_CONFIG,
                StandardAuthorizer.ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG));

        assertThat(props.stringPropertyNames())
                .allSatisfy(key -> assertThat(known.contains(key) || isListenerOverrideOf(key, known))
                        .as("%s: '%s' is a Kafka 4.1 broker setting", file, key)
                        .isTrue());
        // LocalBroker adds log.dirs to the local file when it renders it.
        props.putIfAbsent("log.dirs", "/tmp/unused");
        assertThatCode(() -> KafkaConfig.fromProps(props)).as(file).doesNotThrowAnyException();
    }

    @Test
    void client_properties_uses_only_client_settings() throws IOException {
        Set<String> known = new HashSet<>(AdminClientConfig.configNames());
        known.addAll(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());

        assertThat(load("secure/client.properties").stringPropertyNames()).isSubsetOf(known);
    }

    @Test
    void cluster_nodes_differ_only_in_identity() throws IOException {
        List<Properties> nodes = List.of(
                load("cluster-3/server-1.properties"), load("cluster-3/server-2.properties"),
                load("cluster-3/server-3.properties"));
        for (int i = 0; i < nodes.size(); i++) {
            Properties node = nodes.get(i);
            assertThat(node.getProperty("node.id")).isEqualTo(Integer.toString(i + 1));
            assertThat(node.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://kafka-" + (i + 1) + ":9092");
            Properties rest = new Properties();
            rest.putAll(node);
            rest.keySet().removeAll(Set.of("node.id", "advertised.listeners"));
            Properties first = new Properties();
            first.putAll(nodes.get(0));
            first.keySet().removeAll(Set.of("node.id", "advertised.listeners"));
            assertThat(rest).isEqualTo(first);
        }
        assertThat(nodes.get(0).getProperty("default.replication.factor")).isEqualTo("3");
        assertThat(nodes.get(0).getProperty("min.insync.replicas")).isEqualTo("2");
    }

    private static boolean isListenerOverrideOf(String key, Set<String> known) {
        Matcher listener = LISTENER_OVERRIDE.matcher(key);
        if (!listener.matches()) {
            return false;
        }
        String setting = listener.group(1);
        Matcher mechanism = SASL_MECHANISM_PREFIX.matcher(setting);
        return known.contains(setting) || (mechanism.matches() && known.contains(mechanism.group(1)));
    }

    private static Properties load(String file) throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(TestHomes.moduleDir().resolve(file))) {
            props.load(in);
        }
        return props;
    }
}
