package io.swmrfacade.topology;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** The base of every role's configuration: the keys of {@link ClusterConfig}, read back typed. */
public abstract class RoleConfig extends AbstractConfig {

    protected RoleConfig(ConfigDef definition, Map<?, ?> originals) {
        super(definition, originals, false);
    }

    public String bootstrap() {
        return getString(ClusterConfig.BOOTSTRAP);
    }

    public Topics topics() {
        return new Topics(getString(ClusterConfig.TOPIC_PREFIX));
    }

    /** Kafka client settings given as {@code kafka.<key>}, without the prefix. */
    public Map<String, Object> kafkaOverrides() {
        return ClusterConfig.kafkaPassThrough(originals());
    }
}
