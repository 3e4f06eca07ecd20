package io.swmrfacade.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real broker from target/kafka-lib on 127.0.0.1:9092 in a temporary home. Skipped if
 * the ports are taken (for instance by a developer's own `sf broker start`).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalBrokerIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Path KCAT = Path.of("/usr/bin/kcat");

    @TempDir
    Path home;

    private LocalBroker broker;
    /** Stops the broker if the test JVM is terminated mid-test: it would otherwise outlive the build. */
    private Thread stopOnExit;

    @BeforeEach
    void setUp() throws IOException {
        for (int port : new int[] {9092, 9093}) {
            assumeTrue(portFree(port), "127.0.0.1:" + port + " is in use by another process; LocalBrokerIT needs it");
        }
        Path kafkaLib = Path.of(System.getProperty("kafka.lib.dir", "target/kafka-lib"));
        TestHomes.withKafkaLib(TestHomes.withLocalConfig(home), kafkaLib);
        broker = new LocalBroker(home);
        LocalBroker forHook = broker;
        stopOnExit = new Thread(() -> forHook.stop(Duration.ofSeconds(5)), "stop-local-broker");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    @AfterEach
    void alwaysStopTheBroker() {
        if (broker != null) {
            broker.stop(STOP_TIMEOUT);
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    @Test
    void start_serves_clients_and_stop_ends_the_process() throws Exception {
        long startNanos = System.nanoTime();
        String bootstrap = broker.start(START_TIMEOUT);
        Duration startTook = Duration.ofNanos(System.nanoTime() - startNanos);
        System.out.println("LocalBroker.start took " + startTook.toMillis() + " ms (including format)");

        assertThat(bootstrap).isEqualTo("127.0.0.1:9092");
        assertThat(startTook).isLessThan(START_TIMEOUT);
        LocalBroker.Status status = new LocalBroker(home).status();
        assertThat(status.running()).isTrue();
        assertThat(status.bootstrap()).isEqualTo(bootstrap);
        long pid = status.pid().orElseThrow();
        assertThat(Files.readString(home.resolve("var/kafka/broker.pid")).trim()).isEqualTo(Long.toString(pid));
        assertThat(home.resolve("var/kafka/logs/server.log")).isNotEmptyFile();
        // A second start (as from another `sf` invocation) finds the running broker.
        assertThat(new LocalBroker(home).start(START_TIMEOUT)).isEqualTo(bootstrap);
        assertThat(broker.status().pid()).hasValue(pid);

        String topic = "local-broker-it";
        createTopic(bootstrap, topic);
        produce(bootstrap, topic, "task-1", "hello");
        assertThat(consumeOne(bootstrap, topic)).isEqualTo("task-1=hello");
        if (Files.isExecutable(KCAT)) {
            assertThat(kcatMetadata()).contains("topic \"" + topic + "\"");
        }

        long stopNanos = System.nanoTime();
        broker.stop(STOP_TIMEOUT);
        Duration stopTook = Duration.ofNanos(System.nanoTime() - stopNanos);
        System.out.println("LocalBroker.stop took " + stopTook.toMillis() + " ms");

        assertThat(stopTook).isLessThan(STOP_TIMEOUT);
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(home.resolve("var/kafka/broker.pid")).doesNotExist();
        assertThat(broker.status().running()).isFalse();
        assertThat(portFree(9092)).isTrue();
    }

    @Test
    void restart_keeps_the_cluster_its_topics_and_records() throws Exception {
        String bootstrap = broker.start(START_TIMEOUT);
        String topic = "survives-restart";
        createTopic(bootstrap, topic);
        produce(bootstrap, topic, "task-2", "kept");
        String clusterId = clusterId();
        broker.stop(STOP_TIMEOUT);

        broker.start(START_TIMEOUT);

        assertThat(clusterId()).isEqualTo(clusterId);
        assertThat(consumeOne(bootstrap, topic)).isEqualTo("task-2=kept");
    }

    @Test
    void start_reports_the_broker_log_when_the_broker_exits_during_start() throws IOException {
        // Accepted by the storage tool, fatal to the broker when it loads the authorizer.
        Files.writeString(home.resolve("broker-config/local/server.properties"),
                "\nauthorizer.class.name=io.swmrfacade.NoSuchAuthorizer\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        assertThatThrownBy(() -> broker.start(START_TIMEOUT))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("exited during start")
                .hasMessageContaining("NoSuchAuthorizer");
        assertThat(broker.status().running()).isFalse();
        assertThat(home.resolve("var/kafka/broker.pid")).doesNotExist();
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private String clusterId() throws IOException {
        Properties meta = new Properties();
        try (var in = Files.newBufferedReader(home.resolve("var/kafka/data/meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }

    private static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static String consumeOne(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "local-broker-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> record : records) {
                    consumer.commitSync(Duration.ofSeconds(10));
                    return record.key() + "=" + record.value();
                }
            }
        }
        throw new AssertionError("no record on " + topic + " within 30 s");
    }

    private static String kcatMetadata() throws IOException, InterruptedException {
        Process kcat = new ProcessBuilder(KCAT.toString(), "-b", "127.0.0.1:9092", "-L")
                .redirectErrorStream(true)
                .start();
        String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).as("kcat finished").isTrue();
        assertThat(kcat.exitValue()).as("kcat exit code; output:%n%s", output).isZero();
        return output;
    }
}
