package io.swmrfacade.topology;

import java.util.HashMap;
import java.util.List;
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
    /** The Kafka client's own name for the bootstrap servers, read as {@link #BOOTSTRAP} from a properties file. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "bootstrap.servers";

    private static final String SECURITY_PROTOCOL = "security.protocol";
    private static final List<String> SECURITY_KEY_PREFIXES = List.of("sasl.", "ssl.");

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

    /**
     * The Kafka client settings in a role's merged sources, for every producer, consumer and
     * Admin the role makes: each {@code kafka.<key>} less its prefix, and the security keys
     * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) as they are, so a Kafka client
     * properties file such as {@code broker-config/secure/client.properties} works unchanged.
     * A {@code kafka.}-prefixed key wins over the same key given bare.
     */
    public static Map<String, Object> kafkaPassThrough(Map<String, ?> originals) {
        Map<String, Object> out = new HashMap<>();
        originals.forEach((k, v) -> {
            if (isSecurityKey(k)) {
                out.put(k, v);
            }
        });
        originals.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                out.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return out;
    }

    /** Whether a bare key is a Kafka client security setting that passes through unprefixed. */
    public static boolean isSecurityKey(String key) {
        return key.equals(SECURITY_PROTOCOL) || SECURITY_KEY_PREFIXES.stream().anyMatch(key::startsWith);
    }
}
