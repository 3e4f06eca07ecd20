package io.swmrfacade.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.proto.v1.MonitorUpdate;
import io.swmrfacade.swmr.SampleType;
import io.swmrfacade.swmr.StreamSpec;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.testkafka.TestKafka;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitor updates reach a real (in-JVM KRaft) broker, and a broker that is not there never
 * holds up the console reports or close().
 */
class MonitorTopicIT {

    private static final String EX = "/live_survey/MT001/run_001/Ex";
    private static final Path PROTO_ROOT = Path.of("..", "proto", "src", "main", "protobuf").toAbsolutePath().normalize();

    /** Fresh per run: the shared test broker may be one that outlives the run ($SF_BOOTSTRAP). */
    private static final String PREFIX = "it" + System.nanoTime() + ".";
    private static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        bootstrap = TestKafka.bootstrap();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(PREFIX + "monitor", 1, (short) 1))).all().get();
        }
    }

    @Test
    void updates_reach_the_monitor_topic_keyed_by_reader_id() throws Exception {
        Path file = writeFile(dir.resolve("run.h5"), 40, 2);
        Map<String, Object> extra = Map.of(ReaderConfig.MONITOR_ENABLED, true, "bootstrap", bootstrap,
                "topic.prefix", PREFIX, ReaderConfig.ID, "reader-monitor");
        AtomicReference<ConsumerRecord<String, byte[]>> last = new AtomicReference<>();
        try (ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(file, extra), Clock.systemUTC(), System.out);
             KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(PREFIX + "monitor", 0)));
            consumer.seekToBeginning(consumer.assignment());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(last::set);
                return last.get() != null && MonitorUpdate.parseFrom(last.get().value()).getTaskRows() == 42;
            });
            assertThat(reader.failure()).isEmpty();
        }
        MonitorUpdate u = MonitorUpdate.parseFrom(last.get().value());
        assertThat(last.get().key()).isEqualTo("reader-monitor");
        assertThat(u.getReaderId()).isEqualTo("reader-monitor");
        assertThat(u.getFile()).isEqualTo(file.toString());
        assertThat(u.getSegment()).isEqualTo(1);
        assertThat(u.getTasksOk()).isEqualTo(40);
        assertThat(u.getTasksFailed()).isEqualTo(2);
        assertThat(u.getStreamsList()).singleElement().satisfies(s -> {
            assertThat(s.getPath()).isEqualTo(EX);
            assertThat(s.getDtype()).isEqualTo("float64");
            assertThat(s.getSamples()).isEqualTo(42 * 8);
        });
        assertIndependentClientsRead(u);
    }

    /** kcat and protoc, where installed, read the same record without any of our code. */
    private static void assertIndependentClientsRead(MonitorUpdate expected) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/kcat")) || !Files.isExecutable(Path.of("/usr/bin/protoc"))
                || !Files.isDirectory(PROTO_ROOT)) {
            return;
        }
        Process kcat = new ProcessBuilder("/usr/bin/kcat", "-C", "-b", bootstrap, "-t", PREFIX + "monitor",
                "-o", "-1", "-c", "1", "-e", "-f", "%s").start();
        byte[] value = kcat.getInputStream().readAllBytes();
        assertThat(kcat.waitFor()).isZero();
        Process protoc = new ProcessBuilder("/usr/bin/protoc", "-I", PROTO_ROOT.toString(),
                "--decode=swmrfacade.v1.MonitorUpdate", "swmrfacade/v1/swmrfacade.proto").start();
        protoc.getOutputStream().write(value);
        protoc.getOutputStream().close();
        String text = new String(protoc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(protoc.waitFor()).as(text).isZero();
        System.out.println("kcat + protoc --decode read:\n" + text);
        assertThat(text).contains("reader_id: \"reader-monitor\"", "task_rows: " + expected.getTaskRows(),
                "tasks_failed: " + expected.getTasksFailed(), "path: \"" + EX + "\"");
    }

    @Test
    void an_unreachable_broker_does_not_hold_up_console_reports_or_close() throws Exception {
        Path file = writeFile(dir.resolve("offline.h5"), 5, 0);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, Object> extra = Map.of(ReaderConfig.MONITOR_ENABLED, true, "bootstrap", "127.0.0.1:" + closedPort,
                ReaderConfig.REPORT_MS, 0);
        ReaderTestSupport.Console console = new ReaderTestSupport.Console();
        ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(file, extra), Clock.systemUTC(), console.stream);
        await().atMost(Duration.ofSeconds(10)).until(() -> console.text().contains("segment 1: 5 tasks (+5: 5 ok)"));
        assertThat(reader.snapshot().totalRows()).isEqualTo(5);
        long start = System.nanoTime();
        reader.close(Duration.ofSeconds(3));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
        assertThat(reader.failure()).isEmpty();
    }

    /** Writes {@code ok + failed} rows, each with 8 float64 samples, into a closed file (segment 1). */
    private static Path writeFile(Path file, int ok, int failed) {
        StreamSpec ex = new StreamSpec(EX, SampleType.FLOAT64, "mV/km", 256, 0);
        try (SwmrWriter w = SwmrWriter.open(file, "it-writer", Clock.systemUTC())) {
            w.ensureStream(ex);
            for (int i = 0; i < ok + failed; i++) {
                long start = w.appendSamples(EX, new byte[8 * 8]);
                w.appendRow(new TaskRow("t-" + i, "s", i + 1, "append", i < ok ? 1 : 2, 1, 0, i, 0, 0, 0, 0, 0,
                        w.streamIndex(EX), start, 8));
            }
        }
        return file;
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(p);
    }
}
