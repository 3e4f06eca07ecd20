package io.swmrfacade.cli;

import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.ConfigSources;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/**
 * Options every command shares: where the cluster is, which installation on it, and how to log
 * in to it. A {@code --config} file may be a plain Kafka client properties file
 * ({@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*}, {@code ssl.*}): every
 * Kafka client a command makes gets those settings.
 */
final class ClusterOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: the --config file's bootstrap or bootstrap.servers, $SF_BOOTSTRAP, or 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Prefix of every topic name (default: sf.).")
    String topicPrefix;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file of settings, Kafka client security settings (security.protocol, sasl.*, ssl.*)"
                    + " included; environment SF_* and flags override it (default: none).")
    Path config;

    String bootstrap() {
        return (String) shared().get(ClusterConfig.BOOTSTRAP);
    }

    String topicPrefix() {
        return (String) shared().get(ClusterConfig.TOPIC_PREFIX);
    }

    /** The Kafka client settings of the config file (security ones bare, others as kafka.KEY). */
    Map<String, Object> kafka() {
        return ClusterConfig.kafkaPassThrough(shared());
    }

    /** A facade builder for this cluster, installation and login. */
    TaskFacade.Builder facade() {
        return TaskFacade.builder().bootstrap(bootstrap()).topicPrefix(topicPrefix()).kafka(kafka());
    }

    /** The options that start another sf process on {@code bootstrap} with this installation and login. */
    java.util.List<String> childArgs(String bootstrap) {
        java.util.List<String> args = new java.util.ArrayList<>();
        args.add("--bootstrap=" + bootstrap);
        args.add("--topic-prefix=" + topicPrefix());
        if (config != null) {
            args.add("--config=" + config.toAbsolutePath());
        }
        return args;
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

    /** The shared keys, with their defaults filled in. */
    private Map<String, Object> shared() {
        ConfigDef def = ClusterConfig.define(new ConfigDef());
        Map<String, Object> all = new HashMap<>(def.defaultValues());
        all.putAll(settings(def, Map.of()));
        return all;
    }
}
