package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.Heartbeat;
import io.swmrfacade.writer.WriterConfig;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the node's {@link Heartbeat} on its own thread and producer, so a busy loop never delays
 * it: who and where the node is (id, host, the address it reaches the brokers from, file), its
 * load, and when it last flushed task rows. Monitors on any host build their view of the node from it.
 */
public final class Heartbeats implements AutoCloseable {

    private final WriterConfig config;
    private final Clock clock;
    private final Source node;
    private final String host = hostName();
    private final String address;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sf-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /** What a heartbeat tells of the node's work; read on the heartbeat thread. */
    public interface Source {
        int running();

        Map<String, Integer> runningByType();

        long tasksDone();

        /** When task rows were last flushed to the file, µs since the epoch. */
        long lastRowFlushUs();
    }

    public Heartbeats(WriterConfig config, Clock clock, Source node) {
        this.config = config;
        this.clock = clock;
        this.node = node;
        this.address = addressTowards(config.bootstrap());
        Map<String, Object> p = new java.util.HashMap<>(config.kafkaOverrides());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sf-writer-hb-" + config.nodeId());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        long every = config.getLong(WriterConfig.HEARTBEAT_MS);
        timer.scheduleAtFixedRate(() -> send(false), 0, every, TimeUnit.MILLISECONDS);
    }

    private void send(boolean stopping) {
        Instant now = clock.instant();
        Heartbeat hb = Heartbeat.newBuilder().setWorkerId(config.nodeId()).setHost(host).setAddress(address)
                .setPid(ProcessHandle.current().pid()).setAtUs(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000)
                .setFile(config.file().toString()).setRunning(node.running()).putAllRunningByType(node.runningByType())
                .setTasksDone(node.tasksDone()).setLastFlushUs(node.lastRowFlushUs()).setStopping(stopping).build();
        try {
            producer.send(new ProducerRecord<>(config.topics().heartbeats(),
                    config.nodeId().getBytes(StandardCharsets.UTF_8), hb.toByteArray()));
        } catch (RuntimeException e) {
            // Liveness only: a missed heartbeat is noticed by the coordinator, which is the point.
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * The local address this host uses to reach the first bootstrap server: the node's address as
     * the cluster sees it. A UDP "connect" only picks the route and sends nothing; empty when
     * there is no route.
     */
    static String addressTowards(String bootstrap) {
        String first = bootstrap.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        String brokerHost = colon < 0 ? first : first.substring(0, colon);
        try (DatagramSocket probe = new DatagramSocket()) {
            int port = colon < 0 ? 9092 : Integer.parseInt(first.substring(colon + 1));
            probe.connect(new InetSocketAddress(brokerHost.replace("[", "").replace("]", ""), port));
            InetAddress local = probe.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? "" : local.getHostAddress();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        send(true);
        producer.close(Duration.ofSeconds(2));
    }
}
