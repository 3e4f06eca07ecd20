package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Why the facade's producer keeps one request in flight (FacadeImpl, max.in.flight.requests=1),
 * shown on the broker we ship (Kafka 4.1.1; 4.3.1 too): a partition that holds no state for a producer id
 * accepts that producer's first batch whatever its sequence number, so a later batch that
 * overtakes an earlier one (the earlier got NOT_LEADER_OR_FOLLOWER because the broker had not yet
 * applied a new partition or a leader change, the later arrived just after) is written, and every
 * retry of the earlier one is then refused with OUT_OF_ORDER_SEQUENCE_NUMBER: its tasks are lost
 * although the producer is idempotent with acks=all. Apache Kafka KAFKA-15591 (also KAFKA-14312,
 * KAFKA-19880) makes the broker accept only sequence 0 on a never-written partition from Kafka
 * 4.5; with one request in flight the later batch is never sent before the earlier one is
 * acknowledged, so the broker never sees it first. A fresh facade is a fresh producer id, with no
 * state on any partition: exactly the case. When this test fails at step one, the brokers
 * reject the gap and five in flight are safe.
 *
 * <p>The requests are written by hand on a socket, as the Java producer would never send them
 * out of order on purpose.
 */
class ProducerSequenceGapIT {

    private static final short PRODUCE_VERSION = 11;
    private static final short INIT_PRODUCER_ID_VERSION = 4;

    private int correlationId;

    @Test
    void a_partition_without_state_for_a_producer_takes_its_later_batch_first_and_then_refuses_the_earlier_one_forever()
            throws Exception {
        String topic = SharedKafka.freshPrefix("seqgap") + "tasks";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String[] hostPort = SharedKafka.bootstrap().split(",")[0].split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(30_000);
            InitProducerIdResponse init = initProducerId(socket);
            assertThat(init.error()).isEqualTo(Errors.NONE);
            long producerId = init.data().producerId();
            short epoch = init.data().producerEpoch();

            // The later batch (sequences 3..5) arrives first: accepted, though sequences 0..2 were never written.
            Errors later = produce(socket, topic, producerId, epoch, 3, "later");
            // The earlier batch (0..2), retried after its NOT_LEADER_OR_FOLLOWER: refused, at every retry.
            Errors earlier = produce(socket, topic, producerId, epoch, 0, "earlier");
            Errors retried = produce(socket, topic, producerId, epoch, 0, "earlier");

            assertThat(later).as("a first batch with sequence 3 from a producer the partition has no state for").isEqualTo(Errors.NONE);
            assertThat(earlier).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            assertThat(retried).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
        List<String> values = ClientTopics.readAll(SharedKafka.bootstrap(), topic, r -> true).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        assertThat(values).as("what the partition holds: the earlier batch is lost").containsExactly("later-0", "later-1", "later-2");
    }

    /** A producer id, as KafkaProducer gets one; asked again while the broker's transaction coordinator still loads. */
    private InitProducerIdResponse initProducerId(Socket socket) {
        return Awaitility.await("a producer id, not COORDINATOR_LOAD_IN_PROGRESS").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> (InitProducerIdResponse) call(socket, new InitProducerIdRequest.Builder(
                        new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)),
                        INIT_PRODUCER_ID_VERSION), init -> init.error() != Errors.COORDINATOR_LOAD_IN_PROGRESS);
    }

    private Errors produce(Socket socket, String topic, long producerId, short epoch, int baseSequence, String name)
            throws IOException {
        MemoryRecords records = MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence,
                new SimpleRecord((name + "-0").getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord((name + "-1").getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord((name + "-2").getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics);
        ProduceResponse response = (ProduceResponse) call(socket,
                new ProduceRequest.Builder(PRODUCE_VERSION, PRODUCE_VERSION, data), PRODUCE_VERSION);
        return Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    private AbstractResponse call(Socket socket, AbstractRequest.Builder<?> builder, short version) throws IOException {
        AbstractRequest request = builder.build(version);
        RequestHeader header = new RequestHeader(request.apiKey(), version, "sequence-gap-it", ++correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(bytes.remaining());
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }
}
