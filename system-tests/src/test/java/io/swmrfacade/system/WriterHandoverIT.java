package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: what a node that takes over partitions waits for. A writer node killed between sending
 * its offsets into a transaction and committing it left them pending, and the next owner waited
 * for that transaction to time out (25 s for writer nodes) before it could read where to start;
 * a broker that refused the node's session timeout stopped it with Kafka's words only.
 */
class WriterHandoverIT {

    @TempDir
    Path dir;

    @Test
    void a_departed_nodes_open_transaction_does_not_hold_back_the_node_that_takes_its_partitions() throws Exception {
        try (Installation sf = new Installation("orphan", 2); TaskFacade facade = sf.facade().build()) {
            String group = sf.prefix + "writers";
            // A node that died mid-commit: its offsets for both partitions sit in a transaction it never ends.
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, sf.prefix + "writer.departed-node");
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000);
            try (KafkaProducer<byte[], byte[]> departed = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                departed.initTransactions();
                departed.beginTransaction();
                departed.sendOffsetsToTransaction(Map.of(new TopicPartition(sf.prefix + "tasks", 0), new OffsetAndMetadata(0),
                        new TopicPartition(sf.prefix + "tasks", 1), new OffsetAndMetadata(0)), new ConsumerGroupMetadata(group));

                // A live writer node (a member of the group, by its client id) with a transaction open: never fenced.
                Map<String, Object> lp = new HashMap<>(p);
                lp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, sf.prefix + "writer.live-node");
                try (GroupMember liveMember = new GroupMember(sf, group, "sf-writer-live-node");
                     KafkaProducer<byte[], byte[]> live = new KafkaProducer<>(lp, new ByteArraySerializer(), new ByteArraySerializer())) {
                    liveMember.awaitJoined();
                    live.initTransactions();
                    live.beginTransaction();
                    live.send(new ProducerRecord<>(sf.prefix + "events", new byte[0])).get();

                    long start = System.nanoTime();
                    try (WriterNode survivor = sf.writer(dir.resolve("survivor.h5"), "survivor")) {
                        for (int i = 0; i < 20; i++) {
                            facade.submit(Task.of("echo", "o" + i).withRoutingKey("k" + i)); // over both partitions
                        }
                        CollectResult all = facade.collect(Duration.ofSeconds(30));
                        assertThat(all.complete()).as("answered though the departed node's transaction is open; missing %s",
                                all.missing()).isTrue();
                        // Well before the departed transaction's 120 s timeout (and the consumer's 60 s default wait).
                        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
                        assertThat(survivor.failure()).isNull();
                    }
                    live.commitTransaction(); // not fenced: its node is a member of the group
                }
                assertThatThrownBy(departed::commitTransaction).as("the departed node's producer was fenced")
                        .isInstanceOf(KafkaException.class);
            }
        }
    }

    /**
     * A member of the writers' group under a writer node's client id, subscribed to another
     * topic so that the tasks' partitions stay the writer's; polls on its own thread, as a member
     * must to take part in rebalances.
     */
    private static final class GroupMember implements AutoCloseable {
        private final AtomicBoolean joined = new AtomicBoolean();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        GroupMember(Installation sf, String group, String clientId) {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(sf.prefix + "events"));
                    while (!stop.get()) {
                        consumer.poll(Duration.ofMillis(50));
                        joined.compareAndSet(false, !consumer.assignment().isEmpty());
                    }
                }
            }, "group-member-" + clientId);
            thread.setDaemon(true);
            thread.start();
        }

        void awaitJoined() {
            org.awaitility.Awaitility.await("the member joined").atMost(Duration.ofSeconds(60)).untilTrue(joined);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }
    }

    @Test
    void a_session_timeout_the_broker_refuses_stops_the_node_with_one_line_naming_it() throws Exception {
        try (Installation sf = new Installation("session", 1)) {
            Map<String, Object> w = sf.writerSettings(dir.resolve("refused.h5"), "refused");
            // The shared broker allows sessions from 1 s (group.min.session.timeout.ms=1000).
            w.put("kafka.session.timeout.ms", 500);
            w.put("kafka.heartbeat.interval.ms", 100);
            WriterNode node = WriterNode.start(new WriterConfig(w), Clock.systemUTC());
            try {
                assertThat(node.awaitTermination(Duration.ofSeconds(60))).as("the node stopped").isTrue();
                assertThat(node.failure()).isNotNull();
                assertThat(node.failure().getMessage())
                        .contains("kafka.session.timeout.ms=500")
                        .contains("group.min.session.timeout.ms")
                        .doesNotContain("\n");
            } finally {
                node.close();
            }
        }
    }

    @Test
    void a_node_without_a_session_setting_joins_a_broker_configured_as_kafka_ships_and_answers_tasks() throws Exception {
        // A stock broker: group.min.session.timeout.ms at Kafka's default of 6 s, above the writer's 3 s.
        try (KafkaClusterTestKit stock = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            stock.format();
            stock.startup();
            stock.waitForReadyBrokers();
            try (Installation sf = new Installation(stock.bootstrapServers(), "stock", 1);
                 WriterNode node = WriterNode.start(new WriterConfig(sf.writerSettings(dir.resolve("stock.h5"), "stock")),
                         Clock.systemUTC());
                 TaskFacade facade = sf.facade().build()) {
                facade.submit(Task.of("echo", "on a stock broker"));
                CollectResult got = facade.collect(Duration.ofSeconds(60));
                assertThat(node.failure()).as("the node took the brokers' minimum session instead of stopping").isNull();
                assertThat(got.complete()).as("missing %s", got.missing()).isTrue();
                assertThat(got.results().get(0).outputText()).isEqualTo("on a stock broker");
            }
        }
    }
}
