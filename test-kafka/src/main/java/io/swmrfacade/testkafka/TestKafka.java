package io.swmrfacade.testkafka;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one real Kafka cluster of a test run, started on first use and stopped when the JVM exits.
 * Where it comes from is chosen once by {@link BrokerChoice} and logged once. Tests share it and
 * keep apart by topic prefix. Thread-safe.
 */
public final class TestKafka {

    /** The official Apache Kafka image, at the version of the clients the project uses. */
    public static final String IMAGE = "apache/kafka:" + KafkaVersion.clients();

    private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);
    private static String bootstrap;

    private TestKafka() {
    }

    /** The cluster's bootstrap servers; the first call starts it (about 3 s in-JVM). */
    public static synchronized String bootstrap() {
        if (bootstrap == null) {
            BrokerChoice choice = BrokerChoice.choose(System.getenv(),
                    new LocalDockerProbe(System.getenv(), Path.of(System.getProperty("user.home"))));
            bootstrap = switch (choice.source()) {
                case EXTERNAL -> System.getenv(BrokerChoice.BOOTSTRAP_ENV);
                case CONTAINER -> startContainer();
                case IN_JVM -> startInJvm();
            };
            LOG.info("test Kafka: {} at {} ({})", describe(choice.source()), bootstrap, choice.reason());
        }
        return bootstrap;
    }

    private static String describe(BrokerChoice.Source source) {
        return switch (source) {
            case EXTERNAL -> "the broker already running";
            case CONTAINER -> "Testcontainers " + IMAGE;
            case IN_JVM -> "in-JVM KafkaClusterTestKit";
        };
    }

    @SuppressWarnings("resource") // stopped by the shutdown hook
    private static String startContainer() {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(IMAGE))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS", "1000")
                .withStartupTimeout(Duration.ofSeconds(120));
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "test-kafka-stop"));
        return kafka.getBootstrapServers();
    }

    /**
     * A single-node in-JVM cluster of the caller's own on free ports, started and ready, set up as
     * the shared in-JVM one: internal topics of one replica, no topic created on its own, short
     * group timings. For tests that must not share the run's cluster; the caller closes it.
     *
     * @throws IllegalStateException if it cannot start
     */
    public static KafkaClusterTestKit startPrivate() {
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // Writer nodes keep a 3 s session; Kafka refuses sessions below 6 s by default.
                    .setConfigProp("group.min.session.timeout.ms", "1000")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start an in-JVM Kafka cluster: " + e, e);
        }
    }

    private static String startInJvm() {
        KafkaClusterTestKit cluster = startPrivate();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                // the JVM is exiting
            }
        }, "test-kafka-stop"));
        return cluster.bootstrapServers();
    }
}
