package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.system.SharedKafka;
import io.swmrfacade.topology.Topics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A result that reaches the results topic while a new session's reader is positioning itself is
 * still read. Regression: with nothing from the session's time on yet, the reader used
 * seekToEnd, which Kafka resolves only at the first poll, after such a result; the session then
 * never completed (seen in the echo benchmark: a burst of tasks right after the facade was built).
 * Real broker and real consumer; a proxy only writes the result at that moment.
 */
class ResultReaderAttachIT {

    @Test
    void a_result_written_while_the_reader_attaches_is_not_skipped() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        Topics topics = new Topics(SharedKafka.freshPrefix("attach"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topics.results(), 1, (short) 1), new NewTopic(topics.events(), 1, (short) 1)))
                    .all().get();
        }
        SessionId session = SessionId.next();
        TaskId task = TaskId.next();
        SessionLedger ledger = new SessionLedger(true, r -> { });
        ledger.register(task);

        KafkaConsumer<java.nio.ByteBuffer, java.nio.ByteBuffer> real = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new org.apache.kafka.common.serialization.ByteBufferDeserializer(), new org.apache.kafka.common.serialization.ByteBufferDeserializer());
        AtomicBoolean written = new AtomicBoolean();
        @SuppressWarnings("unchecked")
        Consumer<java.nio.ByteBuffer, java.nio.ByteBuffer> consumer = (Consumer<java.nio.ByteBuffer, java.nio.ByteBuffer>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Consumer.class}, (proxy, method, args) -> {
                    Object out;
                    try {
                        out = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("offsetsForTimes") && written.compareAndSet(false, true)) {
                        writeResult(bootstrap, topics, session, task); // the result lands now, before any poll
                    }
                    return out;
                });

        ResultReader reader = new ResultReader(consumer, topics, session, false, Duration.ofSeconds(1), ledger);
        Thread t = new Thread(reader, "attach-reader");
        t.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ledger.withoutResult() == 0);
            assertThat(written).isTrue();
        } finally {
            reader.stop();
            t.join(5000);
        }
    }

    private static void writeResult(String bootstrap, Topics topics, SessionId session, TaskId task) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            TaskResult r = TaskResult.newBuilder().setTaskId(task.value()).setSessionId(session.value()).setType("echo")
                    .setStatus(TaskStatus.OK).setWorkerId("test").build();
            p.send(new ProducerRecord<>(topics.results(), session.value().getBytes(StandardCharsets.UTF_8), r.toByteArray())).get();
        }
    }
}
