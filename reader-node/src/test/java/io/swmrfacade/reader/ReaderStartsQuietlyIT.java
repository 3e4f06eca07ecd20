package io.swmrfacade.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.MonitorUpdate;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader process started on a real broker whose topics exist logs no WARN, also when the
 * broker is slow to answer its first request. Regression: every reader warned "Topic sf.monitor
 * not present in metadata after 1000 ms" at start, because a new producer's first metadata took
 * longer than a monitor send may block on a busy machine, and that first failure was logged as a
 * problem (and its update dropped).
 */
class ReaderStartsQuietlyIT {

    private static final String PREFIX = "quiet.";
    private static KafkaClusterTestKit cluster;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build()).build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(PREFIX + "monitor", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void a_reader_starting_on_a_broker_with_its_topics_logs_no_warning() throws Exception {
        assertQuietStart("reader-direct", cluster.bootstrapServers());
    }

    @Test
    void a_reader_whose_first_metadata_takes_longer_than_a_send_may_block_logs_no_warning() throws Exception {
        try (SlowToAnswer proxy = new SlowToAnswer(cluster.bootstrapServers(), Duration.ofMillis(1500))) {
            assertQuietStart("reader-slow", proxy.address());
            assertThat(proxy.connections()).as("the reader came through the slow bootstrap").isPositive();
        }
    }

    /** Starts a reader process, waits until its first update is on the monitor topic, stops it, and reads its log. */
    private static void assertQuietStart(String readerId, String bootstrap) throws Exception {
        Path file = dir.resolve(readerId + ".h5");
        try (SwmrWriter w = SwmrWriter.open(file, "quiet-writer", Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                w.appendRow(new TaskRow("t-" + i, "s", i + 1, "echo", 1, 1, 0, i, 0, 0, 0, 0, 0, -1, 0, 0));
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process reader = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ReaderMain.class.getName(),
                "reader.file=" + file, "reader.id=" + readerId, "bootstrap=" + bootstrap, "topic.prefix=" + PREFIX,
                "reader.monitor.enabled=true", "reader.report.ms=100").redirectErrorStream(true).start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread drain = pump(reader.getInputStream(), log);
        boolean published;
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            TopicPartition tp = new TopicPartition(PREFIX + "monitor", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<MonitorUpdate> mine = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            do {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (readerId.equals(r.key())) {
                        mine.add(parse(r.value()));
                    }
                });
                published = mine.stream().anyMatch(u -> u.getTaskRows() == 3);
            } while (!published && System.nanoTime() - deadline < 0);
            // A WARN would come 1 s after start at the earliest: the reader has run past that now.
        } finally {
            reader.destroy();
            assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
            drain.join(10_000);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        System.out.println("--- " + readerId + " log ---\n" + text);
        assertThat(text.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))).as(text).isEmpty();
        assertThat(published).as("the reader's first update reached the monitor topic; log:%n%s", text).isTrue();
    }

    private static MonitorUpdate parse(byte[] value) {
        try {
            return MonitorUpdate.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(into);
            } catch (IOException e) {
                // the process is gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(p);
    }

    /**
     * A TCP relay to the broker that holds every new connection for {@code delay} before passing
     * bytes on: a broker slow to answer, as a busy machine makes it. Only the bootstrap goes
     * through it; the broker's metadata then points clients at the broker itself.
     */
    private static final class SlowToAnswer implements AutoCloseable {
        private final ServerSocket server;
        private final InetSocketAddress target;
        private final Duration delay;
        private final List<Socket> sockets = new ArrayList<>();
        private int connections;

        SlowToAnswer(String bootstrap, Duration delay) throws IOException {
            String hostPort = bootstrap.split(",")[0];
            this.target = new InetSocketAddress(hostPort.substring(0, hostPort.lastIndexOf(':')),
                    Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)));
            this.delay = delay;
            this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "slow-bootstrap");
            accept.setDaemon(true);
            accept.start();
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        synchronized int connections() {
            return connections;
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    synchronized (this) {
                        connections++;
                        sockets.add(client);
                    }
                    Thread t = new Thread(() -> relay(client), "slow-bootstrap-relay");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closed) {
                // close() ended it
            }
        }

        private void relay(Socket client) {
            try {
                // Time passing is the point here: the broker's answer arrives this much later. Bounded by delay.
                Thread.sleep(delay.toMillis());
                Socket broker = new Socket();
                broker.connect(target, 5000);
                synchronized (this) {
                    sockets.add(broker);
                }
                Thread up = new Thread(() -> copy(client, broker), "slow-bootstrap-up");
                up.setDaemon(true);
                up.start();
                copy(broker, client);
            } catch (IOException | InterruptedException e) {
                // a side closed
            }
        }

        private static void copy(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // a side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }

        @Override
        public synchronized void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
