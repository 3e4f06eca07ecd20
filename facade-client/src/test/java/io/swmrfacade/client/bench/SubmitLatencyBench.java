package io.swmrfacade.client.bench;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.topology.Topics;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * {@code submit()} latency, one call timed at a time with {@code System.nanoTime}, with the
 * broker down (nothing listening) and up (an in-JVM KRaft broker; no writer is needed, submit
 * never waits for results). Each case: a warm-up of 200,000 submits, then 10 rounds of 20,000
 * submits paced at about 20,000/s (the caller's rate, not the broker's). A benchmark, not a test.
 */
public final class SubmitLatencyBench {

    private static final int WARMUP = 200_000;
    private static final int ROUNDS = 10;
    private static final int PER_ROUND = 20_000;
    private static final long PACE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private SubmitLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        String nowhere;
        try (ServerSocket s = new ServerSocket(0)) {
            nowhere = "127.0.0.1:" + s.getLocalPort();
        }
        System.out.println("broker down: " + measure(nowhere, "down."));
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build()).setConfigProp("auto.create.topics.enable", "false").build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                Topics t = new Topics("up.");
                admin.createTopics(List.of(new NewTopic(t.tasks(), 3, (short) 1), new NewTopic(t.events(), 3, (short) 1),
                        new NewTopic(t.results(), 3, (short) 1))).all().get();
            }
            System.out.println("broker up:   " + measure(cluster.bootstrapServers(), "up."));
        }
    }

    private static String measure(String bootstrap, String prefix) {
        byte[] payload = new byte[100];
        int total = WARMUP + ROUNDS * PER_ROUND;
        try (TaskFacade facade = TaskFacade.builder().bootstrap(bootstrap).topicPrefix(prefix).maxBuffered(total + 1, 1L << 32)
                .closeTimeout(Duration.ofSeconds(30)).build()) {
            Task task = Task.of("echo", payload);
            for (int i = 0; i < WARMUP; i++) {
                facade.submit(task);
            }
            Percentiles p = new Percentiles(ROUNDS * PER_ROUND);
            for (int r = 0; r < ROUNDS; r++) {
                long next = System.nanoTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    long t0 = System.nanoTime();
                    facade.submit(task);
                    p.add(System.nanoTime() - t0);
                    next += PACE_NANOS;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        // Sleep rather than spin: on 2 cores a spinning caller competes with the broker and
                        // the facade's own threads, and the scheduler's preemptions would be measured as submit latency.
                        LockSupport.parkNanos(wait);
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            return p.summary() + " (buffered at end: " + facade.stats().buffered() + ")";
        }
    }
}
