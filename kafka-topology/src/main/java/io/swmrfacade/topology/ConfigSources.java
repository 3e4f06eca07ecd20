package io.swmrfacade.topology;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Merges the sources of a role's configuration, later ones winning: the {@link ConfigDef}
 * defaults, a properties file, the environment, then command-line flags.
 *
 * <p>An environment variable {@code SF_WRITER_FILE} sets the key {@code writer.file}: the
 * {@code SF_} prefix is dropped, {@code _} becomes {@code .} and the rest is lower-cased. Only
 * keys the {@link ConfigDef} defines are taken from the environment. A file's
 * {@code bootstrap.servers} (the Kafka client's name) counts as {@code bootstrap}.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "SF_";

    private ConfigSources() {
    }

    public static Map<String, Object> merge(ConfigDef def, Path propertiesFile, Map<String, String> env,
                                            Map<String, ?> flags) {
        Map<String, Object> merged = new HashMap<>();
        if (propertiesFile != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(propertiesFile)) {
                props.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + propertiesFile + ": " + e.getMessage(), e);
            }
            props.forEach((k, v) -> merged.put(k.toString(), v));
            // A Kafka client properties file names the servers bootstrap.servers; our key is bootstrap.
            Object servers = merged.remove(ClusterConfig.KAFKA_BOOTSTRAP_SERVERS);
            if (servers != null) {
                merged.putIfAbsent(ClusterConfig.BOOTSTRAP, servers);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (def.names().contains(key)) {
                    merged.put(key, value);
                }
            }
        });
        flags.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return merged;
    }
}
