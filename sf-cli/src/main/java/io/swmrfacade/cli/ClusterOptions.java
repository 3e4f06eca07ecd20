package io.swmrfacade.cli;

import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.ConfigSources;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/** Options every command shares: where the cluster is and which installation on it. */
final class ClusterOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $SF_BOOTSTRAP or 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Prefix of every topic name (default: sf.).")
    String topicPrefix;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file of settings; environment SF_* and flags override it (default: none).")
    Path config;

    String bootstrap() {
        if (bootstrap != null) {
            return bootstrap;
        }
        return System.getenv().getOrDefault("SF_BOOTSTRAP", ClusterConfig.DEFAULT_BOOTSTRAP);
    }

    String topicPrefix() {
        return topicPrefix == null ? io.swmrfacade.topology.Topics.DEFAULT_PREFIX : topicPrefix;
    }

    /** A role's settings: its definition's defaults, then the config file, then SF_* variables, then these flags. */
    Map<String, Object> settings(ConfigDef def, Map<String, Object> flags) {
        Map<String, Object> all = new HashMap<>(flags);
        if (bootstrap != null) {
            all.put(ClusterConfig.BOOTSTRAP, bootstrap);
        }
        if (topicPrefix != null) {
            all.put(ClusterConfig.TOPIC_PREFIX, topicPrefix);
        }
        return ConfigSources.merge(def, config, System.getenv(), all);
    }
}
