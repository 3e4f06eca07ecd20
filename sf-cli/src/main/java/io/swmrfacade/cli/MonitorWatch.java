package io.swmrfacade.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.MonitorUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Keeps the latest MonitorUpdate of each reader: what the readers saw, as any host would see it. */
final class MonitorWatch implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, MonitorUpdate> latest = new TreeMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    MonitorWatch(String bootstrap, Map<String, Object> kafka, String topic) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp);
        thread = new Thread(this::run, "sf-demo-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue; // a tombstone: no reader's update
                    }
                    try {
                        MonitorUpdate u = MonitorUpdate.parseFrom(r.value());
                        synchronized (latest) {
                            latest.put(u.getReaderId(), u);
                        }
                    } catch (InvalidProtocolBufferException e) {
                        // someone else's record: not ours to report
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    Map<String, MonitorUpdate> latest() {
        synchronized (latest) {
            return new TreeMap<>(latest);
        }
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
