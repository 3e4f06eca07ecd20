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
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

                long start = System.nanoTime();
                try (WriterNode survivor = sf.writer(dir.resolve("survivor.h5"), "survivor")) {
                    for (int i = 0; i < 20; i++) {
                        facade.submit(Task.of("echo", "o" + i).withRoutingKey("k" + i)); // over both partitions
                    }
                    CollectResult all = facade.collect(Duration.ofSeconds(30));
                    assertThat(all.complete()).as("answered though the departed node's transaction is open; missing %s", all.missing())
                            .isTrue();
                    // Well before the departed transaction's 120 s timeout (and the consumer's 60 s default wait).
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
                    assertThat(survivor.failure()).isNull();
                }
                assertThatThrownBy(departed::commitTransaction).as("the departed node's producer was fenced")
                        .isInstanceOf(KafkaException.class);
            }
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
}
