package io.swmrfacade.topology;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The keys every role shares: where the cluster is, which topics it uses, and Kafka client
 * settings passed through unchanged.
 */
public final class ClusterConfig {

    public static final String BOOTSTRAP = "bootstrap";
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    public static final String TOPIC_PREFIX = "topic.prefix";
    /** Keys starting with this go to every Kafka client unchanged, less the prefix (security settings, say). */
    public static final String KAFKA_PREFIX = "kafka.";

    private ClusterConfig() {
    }

    /** Adds the shared keys to a role's definition. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(BOOTSTRAP, Type.STRING, DEFAULT_BOOTSTRAP, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Kafka bootstrap servers, host:port[,host:port]. Environment: SF_BOOTSTRAP.")
                .define(TOPIC_PREFIX, Type.STRING, Topics.DEFAULT_PREFIX, Importance.MEDIUM,
                        "Prefix of every topic name, so installations can share a cluster.");
    }

    /** Kafka client settings given as {@code kafka.<key>} in any source, with the prefix removed. */
    public static Map<String, Object> kafkaPassThrough(Map<String, ?> originals) {
        Map<String, Object> out = new java.util.HashMap<>();
        originals.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                out.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return out;
    }
}
