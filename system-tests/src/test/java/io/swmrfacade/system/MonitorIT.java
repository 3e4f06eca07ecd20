package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.monitor.InstallationMonitor;
import io.swmrfacade.monitor.InstallationView;
import io.swmrfacade.monitor.PartitionView;
import io.swmrfacade.monitor.WriterView;
import io.swmrfacade.reader.ReaderConfig;
import io.swmrfacade.reader.ReaderNode;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.writer.WriterNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sf monitor}'s view, built from the topics alone, against a real writer, reader and
 * client: the writer's state, rate, flushes and partitions, the reader's rows, tasks by state,
 * dead letters, and {@code sf status}'s exit code before and after the writer stops.
 */
class MonitorIT {

    @TempDir
    Path dir;

    @Test
    void monitor_shows_writer_reader_tasks_lag_and_dead_letters_and_status_fails_once_the_writer_stops() throws Exception {
        try (Installation sf = new Installation("monitor", 3);
             InstallationMonitor monitor = MonitorProcesses.start(sf, Map.of())) {
            WriterNode writer = sf.writer(dir.resolve("m.h5"), "node-m");
            ReaderNode reader = ReaderNode.start(new ReaderConfig(Map.of(ClusterConfig.BOOTSTRAP, sf.bootstrap,
                    ClusterConfig.TOPIC_PREFIX, sf.prefix, ReaderConfig.FILE, dir.resolve("m.h5").toString(),
                    ReaderConfig.ID, "reader-m")), Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()));
            try (TaskFacade facade = sf.facade().build()) {
                MonitorProcesses.awaitOwned(monitor, "node-m");
                // 40 tasks/s for 5 s: long enough for a few heartbeats to show a rate.
                for (int i = 0; i < 200; i++) {
                    facade.submit(Task.of("echo", "m" + i).withRoutingKey("k" + i));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
                    if (i == 150) {
                        await("a rate while tasks run").atMost(Duration.ofSeconds(10)).until(
                                () -> writer(monitor.view()).tasksPerSecond() > 0);
                    }
                }
                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.complete()).as(all.missing().toString()).isTrue();
            }
            await("every task OK and no lag").atMost(Duration.ofSeconds(30)).until(() -> {
                InstallationView v = monitor.view();
                return v.tasksByState().getOrDefault("OK", 0L) == 200
                        && v.partitions().stream().allMatch(p -> p.lag() == 0 && p.owner().equals("node-m"));
            });
            InstallationView v = monitor.view();
            WriterView w = writer(v);
            assertThat(w.state()).isEqualTo("ALIVE");
            assertThat(w.file()).isEqualTo(dir.resolve("m.h5").toString());
            assertThat(w.address()).as("the address it reaches the brokers from").isEqualTo("127.0.0.1");
            assertThat(w.lastFlushUs()).isGreaterThan(v.atUs() - 60_000_000L).isLessThanOrEqualTo(v.atUs());
            assertThat(w.tasksDone()).isEqualTo(200);
            assertThat(w.partitions()).extracting(PartitionView::partition).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(v.partitions()).allSatisfy(p -> assertThat(p.committed()).isEqualTo(p.end()));
            assertThat(v.healthy()).as(v.problems().toString()).isTrue();
            await("the reader's rows on the monitor topic").atMost(Duration.ofSeconds(10)).until(() ->
                    monitor.view().readers().stream().anyMatch(r -> r.id().equals("reader-m") && r.taskRows() == 200));

            MonitorProcesses.Outcome healthy = MonitorProcesses.sf(List.of(), dir.resolve("status.log"), 60,
                    "status", "--bootstrap", sf.bootstrap, "--topic-prefix", sf.prefix, "--group", sf.prefix + "writers");
            assertThat(healthy.exitCode()).as(healthy.stdout()).isZero();
            assertThat(healthy.stdout()).contains("HEALTHY", "node-m", "ALIVE", "OK=200", "reader-m");

            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(sf.prefix + "tasks", 1, null, new byte[] {(byte) 0xff, (byte) 0xff, 0x01})).get();
            }
            await("the malformed task as a dead letter").atMost(Duration.ofSeconds(30)).until(() ->
                    monitor.view().recentDeadLetters().stream().anyMatch(d -> d.sourceTopic().equals(sf.prefix + "tasks")
                            && d.sourcePartition() == 1 && d.workerId().equals("node-m")));
            assertThat(monitor.view().deadLetters()).isEqualTo(1);

            reader.close();
            writer.close();
            await("the writer stopped and its partitions without a consumer").atMost(Duration.ofSeconds(30)).until(() -> {
                InstallationView after = monitor.view();
                return writer(after).state().equals("STOPPED") && after.partitions().stream().allMatch(p -> p.owner().isEmpty());
            });
            MonitorProcesses.Outcome unhealthy = MonitorProcesses.sf(List.of(), dir.resolve("status.log"), 60,
                    "status", "--json", "--bootstrap", sf.bootstrap, "--topic-prefix", sf.prefix, "--group", sf.prefix + "writers");
            assertThat(unhealthy.exitCode()).as(unhealthy.stdout()).isEqualTo(1);
            assertThat(unhealthy.stdout()).contains("\"healthy\":false", "has no consumer", "\"state\":\"STOPPED\"");
        }
    }

    private static WriterView writer(InstallationView v) {
        return v.writers().stream().filter(w -> w.id().equals("node-m")).findFirst()
                .orElseThrow(() -> new AssertionError("no writer node-m in " + v.writers()));
    }
}
