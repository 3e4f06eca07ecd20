package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.broker.LocalBroker;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.writer.WriterConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single broker of `sf broker start` (its own configuration, broker-config/local, on free
 * ports) killed with SIGKILL in the middle of a mixed run and started again: nothing lost or
 * doubled. Prints how long the restart took, and how long the work stood still.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BrokerRestartIT {

    @TempDir
    Path dir;

    private LocalBroker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void a_single_broker_killed_mid_run_and_restarted_loses_and_duplicates_nothing() throws Exception {
        broker = new LocalBroker(homeOnFreePorts());
        String bootstrap = broker.start(ClusterNodes.START_TIMEOUT);
        try (Installation sf = new Installation(bootstrap, "bkill", 3)) {
            Path file = dir.resolve("bkill.h5");
            Map<String, Object> settings = sf.writerSettings(file, "bkill-writer");
            settings.put(WriterConfig.MAX_ATTEMPTS, 100);
            // The only broker is away for 25-30 s here, longer than a writer's default commit
            // patience (20 s, made for a failover between brokers): give it room for the restart.
            settings.put("kafka.max.block.ms", 20_000);
            settings.put("kafka.transaction.timeout.ms", 60_000);
            try (WriterSupervisor writer = new WriterSupervisor(settings, WriterEvidence.logFile("broker-restart-writer"));
                 TaskFacade facade = sf.facade().build()) {
                Map<TaskId, Integer> expected = new HashMap<>();
                AtomicBoolean done = new AtomicBoolean();
                AtomicInteger submitted = new AtomicInteger();
                AtomicLong slowestSubmit = new AtomicLong();
                Thread submitter = new Thread(() -> ClusterFaultIT.submitUntil(facade, expected, done, submitted, slowestSubmit),
                        "submitter");
                submitter.start();
                ClusterFaultIT.awaitDone(sf, 100);

                long pid = broker.status().pid().orElseThrow();
                long killedAt = System.nanoTime();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).isEmpty()
                        || !ProcessHandle.of(pid).get().isAlive());
                int doneAtKill = facade.stats().tasks() - facade.stats().withoutResult();
                broker.start(ClusterNodes.START_TIMEOUT);
                Duration restart = Duration.ofNanos(System.nanoTime() - killedAt);
                Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                        .until(() -> facade.stats().tasks() - facade.stats().withoutResult() > doneAtKill + 10);
                Duration workResumed = Duration.ofNanos(System.nanoTime() - killedAt);
                printRestartMilestones();
                done.set(true);
                submitter.join(TimeUnit.MINUTES.toMillis(5));
                System.out.println("BrokerRestartIT: single broker ready " + restart.toMillis() + " ms after SIGKILL; results flowing again after "
                        + workResumed.toMillis() + " ms; tasks submitted while it was down or starting: see " + submitted.get() + " in all");

                Awaitility.await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    writer.ensureRunning();
                    return facade.stats().withoutResult() == 0;
                });
                CollectResult all = facade.collect(Duration.ofSeconds(5));
                ClusterFaultIT.assertEveryTaskOnce(sf, file, all, expected);
                System.out.println("BrokerRestartIT: slowest submit " + slowestSubmit.get() / 1_000_000 + " ms");
                assertThat(slowestSubmit.get()).as("slowest submit, ns").isLessThan(ClusterFaultIT.SUBMIT_BOUND.toNanos());
                System.out.println("BrokerRestartIT: writer starts: " + writer.starts());
                assertThat(writer.terminate(30)).as("clean stop").isTrue();
            }
        }
    }

    /** What the restarted broker waited for, from its own log: shown in the test output for the record. */
    private void printRestartMilestones() throws IOException {
        Path log = dir.resolve("home/var/kafka/logs/server.log");
        if (Files.exists(log)) {
            try (var lines = Files.lines(log)) {
                lines.filter(l -> l.contains("Transitioning from") || l.contains("Kafka Server started")
                                || l.contains("DuplicateBrokerRegistration") || l.contains("Starting controller")
                                || l.contains("Recovering unflushed segment"))
                        .forEach(l -> System.out.println("BrokerRestartIT: broker log: " + l));
            }
        }
    }

    /** A home with broker-config/local on free ports and the broker jars of this build. */
    private Path homeOnFreePorts() throws IOException {
        Path repo = Path.of(System.getProperty("sf.home", "..")).toAbsolutePath().normalize();
        Path home = dir.resolve("home");
        Path local = Files.createDirectories(home.resolve("broker-config/local"));
        int client = freePort();
        int controller = freePort();
        String config = Files.readString(repo.resolve("broker-config/local/server.properties"))
                .replace("127.0.0.1:9092", "127.0.0.1:" + client).replace("127.0.0.1:9093", "127.0.0.1:" + controller);
        Files.writeString(local.resolve("server.properties"), config);
        Files.copy(repo.resolve("broker-config/local/log4j2.xml"), local.resolve("log4j2.xml"));
        Path target = Files.createDirectories(home.resolve("broker-config/target"));
        Files.createSymbolicLink(target.resolve("kafka-lib"), repo.resolve("broker-config/target/kafka-lib"));
        return home;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
