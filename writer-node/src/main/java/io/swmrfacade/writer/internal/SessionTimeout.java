package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;

/**
 * The writer consumer's session timeout when the user sets none: {@link KafkaClients#SESSION_TIMEOUT_MS}
 * (3 s, so that survivors answer a dead node's tasks within 5 s), or the brokers'
 * {@code group.min.session.timeout.ms} where that is larger (6 s in a stock Kafka), so that a
 * node pointed at a cluster configured as Kafka ships still joins, only handing over later. If the
 * brokers cannot be asked (no DESCRIBE_CONFIGS on the cluster, no answer within {@link #ASK_TIMEOUT}),
 * the default stands and a refusal stops the node with a message that says what to change.
 */
final class SessionTimeout {

    static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);
    static final String BROKER_MINIMUM = "group.min.session.timeout.ms";

    private SessionTimeout() {
    }

    /** The session timeout to use given the brokers' minimum, if known; logs a larger choice once. */
    static int choose(OptionalInt brokerMinimum, Logger log) {
        int ms = KafkaClients.SESSION_TIMEOUT_MS;
        if (brokerMinimum.isPresent() && brokerMinimum.getAsInt() > ms) {
            ms = brokerMinimum.getAsInt();
            log.info("the brokers' {} is {} ms: the writer's session is {} ms (its default is {} ms), so a dead node's"
                    + " tasks move to the survivors about {} s after it died; lower {} on the brokers for a faster"
                    + " handover", BROKER_MINIMUM, ms, ms, KafkaClients.SESSION_TIMEOUT_MS, (ms + 999) / 1000 + 1,
                    BROKER_MINIMUM);
        }
        return ms;
    }

    /** The heartbeat interval that goes with {@code sessionMs}: three heartbeats fit in a session. */
    static int heartbeatFor(int sessionMs) {
        return Math.max(100, Math.min(KafkaClients.HEARTBEAT_INTERVAL_MS, sessionMs / 3));
    }

    /** Asks one broker for its {@value #BROKER_MINIMUM}; empty if it cannot say within {@link #ASK_TIMEOUT}. */
    static OptionalInt brokerMinimum(Map<String, Object> clientSettings, Logger log) {
        Map<String, Object> p = new HashMap<>();
        // Only the admin client's own keys (bootstrap, security), so that it warns of none.
        clientSettings.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "sf-writer-session-check");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ASK_TIMEOUT.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ASK_TIMEOUT.toMillis());
        long waitMs = ASK_TIMEOUT.toMillis();
        try (Admin admin = Admin.create(p)) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(waitMs, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return OptionalInt.empty();
            }
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            Config c = admin.describeConfigs(List.of(broker)).all().get(waitMs, TimeUnit.MILLISECONDS).get(broker);
            ConfigEntry e = c == null ? null : c.get(BROKER_MINIMUM);
            return e == null || e.value() == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(e.value()));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // Not allowed to describe the cluster's configuration, say: the default stands.
            log.debug("cannot ask the brokers for {}: {}", BROKER_MINIMUM, e.toString());
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }
}
