package io.swmrfacade.system;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real Kafka cluster for the whole test run: Kafka's own in-JVM KRaft test kit, or the
 * broker at {@code SF_BOOTSTRAP} when that is set. Tests share it and isolate themselves with
 * their own topic prefix.
 */
public final class SharedKafka {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static String bootstrap;

    private SharedKafka() {
    }

    public static synchronized String bootstrap() {
        if (bootstrap != null) {
            return bootstrap;
        }
        String external = System.getenv("SF_BOOTSTRAP");
        if (external != null && !external.isBlank()) {
            bootstrap = external;
            return bootstrap;
        }
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    cluster.close();
                } catch (Exception e) {
                    // the JVM is exiting
                }
            }));
            bootstrap = cluster.bootstrapServers();
            return bootstrap;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-JVM Kafka cluster: " + e, e);
        }
    }

    /** A topic prefix no other test uses. */
    public static String freshPrefix(String name) {
        return "t" + PREFIXES.incrementAndGet() + "-" + name + ".";
    }
}
