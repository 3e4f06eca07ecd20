package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.proto.v1.MonitorUpdate;
import io.swmrfacade.testkafka.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The demo's watch of the monitor topic, against a real broker: records that are not updates do not stop it. */
class MonitorWatchIT {

    @Test
    void a_tombstone_and_garbage_on_the_monitor_topic_do_not_stop_the_watch() throws Exception {
        String bootstrap = TestKafka.bootstrap();
        String topic = "watchit" + System.nanoTime() + ".monitor";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (MonitorWatch watch = new MonitorWatch(bootstrap, Map.of(), topic);
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, null, null)).get();
            p.send(new ProducerRecord<>(topic, null, new byte[] {(byte) 0xff, (byte) 0xff})).get();
            p.send(new ProducerRecord<>(topic, null, MonitorUpdate.newBuilder().setReaderId("reader-w").setTaskRows(3).build()
                    .toByteArray())).get();
            await("the update after the tombstone and the garbage").atMost(Duration.ofSeconds(30))
                    .until(() -> watch.latest().containsKey("reader-w"));
            assertThat(watch.latest().get("reader-w").getTaskRows()).isEqualTo(3);
        }
    }
}
