package io.swmrfacade.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real KRaft nodes from target/kafka-lib and the cluster-3 templates, on free ports in a
 * temporary home: started, queried, one node killed and brought back, all stopped.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LocalClusterIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path home;

    private LocalCluster cluster;
    private Thread stopOnExit;

    @BeforeEach
    void setUp() throws IOException {
        Path moduleDir = TestHomes.moduleDir();
        Path templates = Files.createDirectories(home.resolve("broker-config/cluster-3"));
        for (int node = 1; node <= 3; node++) {
            Files.copy(moduleDir.resolve("cluster-3/server-" + node + ".properties"),
                    templates.resolve("server-" + node + ".properties"));
        }
        TestHomes.withLocalConfig(home);
        TestHomes.withKafkaLib(home, Path.of(System.getProperty("kafka.lib.dir", "target/kafka-lib")));
        cluster = new LocalCluster(home);
        LocalCluster forHook = cluster;
        stopOnExit = new Thread(() -> forHook.stop(Duration.ofSeconds(5)), "stop-local-cluster");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    @AfterEach
    void alwaysStopTheCluster() {
        if (cluster != null && cluster.exists()) {
            cluster.stop(STOP_TIMEOUT);
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    @Test
    void three_nodes_start_report_survive_a_killed_node_and_stop() throws Exception {
        ClusterPorts ports = ClusterPorts.free(LocalCluster.NODES);
        String bootstrap = cluster.start(ports, START_TIMEOUT);

        assertThat(bootstrap).isEqualTo(ports.bootstrap());
        LocalCluster.Status status = cluster.status(STATUS_TIMEOUT);
        assertThat(status.nodes()).allSatisfy(node -> assertThat(node.up()).as("node %d up", node.node()).isTrue());
        assertThat(status.nodes()).filteredOn(LocalCluster.NodeStatus::activeController).hasSize(1);
        assertThat(clusterIds()).as("one cluster id on every node").hasSize(1);
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("replicated", 6, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        produce(bootstrap, "replicated", 10);
        int busiest = cluster.status(STATUS_TIMEOUT).nodes().stream()
                .max((a, b) -> Integer.compare(a.leaders(), b.leaders())).orElseThrow().node();
        long busiestPid = cluster.status(STATUS_TIMEOUT).nodes().get(busiest - 1).pid().orElseThrow();

        cluster.stopNode(busiest, true, STOP_TIMEOUT);

        assertThat(ProcessHandle.of(busiestPid).filter(ProcessHandle::isAlive)).isEmpty();
        produce(bootstrap, "replicated", 10);
        LocalCluster.Status degraded = cluster.status(STATUS_TIMEOUT);
        assertThat(degraded.nodes().get(busiest - 1).running()).isFalse();
        assertThat(degraded.nodes().get(busiest - 1).leaders()).isZero();
        // A second `start` (as from another `sf` command) starts only the missing node.
        assertThatThrownBy(() -> cluster.start(ClusterPorts.defaults(3), START_TIMEOUT))
                .isInstanceOf(BrokerException.class).hasMessageContaining("uses ports");
        long restartNanos = System.nanoTime();
        cluster.startNode(busiest, START_TIMEOUT);
        System.out.println("LocalCluster.startNode after SIGKILL took "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos) + " ms");
        assertThat(cluster.status(STATUS_TIMEOUT).nodes()).allSatisfy(node -> assertThat(node.up()).isTrue());

        cluster.stop(STOP_TIMEOUT);

        assertThat(cluster.status(STATUS_TIMEOUT).anyRunning()).isFalse();
        for (int node = 1; node <= 3; node++) {
            assertThat(cluster.nodeDir(node).resolve("broker.pid")).doesNotExist();
        }
    }

    @Test
    void node_outside_one_to_three_is_named_in_the_error() {
        assertThatThrownBy(() -> cluster.stopNode(4, true, STOP_TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("node must be from 1 to 3, was 4");
        assertThatThrownBy(() -> cluster.startNode(2, START_TIMEOUT))
                .isInstanceOf(BrokerException.class).hasMessageContaining("No local cluster in");
    }

    private List<String> clusterIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int node = 1; node <= 3; node++) {
            Properties meta = new Properties();
            try (var in = Files.newBufferedReader(cluster.nodeDir(node).resolve("data/meta.properties"))) {
                meta.load(in);
            }
            if (!ids.contains(meta.getProperty("cluster.id"))) {
                ids.add(meta.getProperty("cluster.id"));
            }
        }
        return ids;
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static void produce(String bootstrap, String topic, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
    }
}
