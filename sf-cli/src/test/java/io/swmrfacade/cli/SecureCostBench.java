package io.swmrfacade.cli;

import io.swmrfacade.broker.ClusterPorts;
import io.swmrfacade.broker.LocalCluster;
import io.swmrfacade.broker.SecureBroker;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.ConfigSources;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.config.ConfigDef;
import org.awaitility.Awaitility;

/**
 * What TLS and SASL cost: echo rate and round trip at 1,000 tasks/s through a plaintext broker
 * and the secure broker ({@link SecureBroker}), both single-node processes from the same jars,
 * each with its own coordinator check and writer process, measured alternately in one run, with
 * the secure/plaintext ratios of each round. With {@code nodes} 3, a plaintext and a secure
 * three-node cluster ({@link LocalCluster}, replication 3, min ISR 2) instead.
 * Not a test. {@code bench/run secure [seconds echoTasks rounds nodes]}.
 */
public final class SecureCostBench {

    private SecureCostBench() {
    }

    record Figures(double echoPerSecond, double p50Ms, double p99Ms) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int echoTasks = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int nodes = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        if (nodes != 1 && nodes != LocalCluster.NODES) {
            throw new IllegalArgumentException("nodes must be 1 or " + LocalCluster.NODES + ", was " + nodes);
        }
        Path home = SfProcesses.HOME;
        Path dir = Files.createTempDirectory("sf-secure-bench");
        List<Process> kids = new ArrayList<>();
        List<Runnable> brokers = new ArrayList<>();
        try {
            String plainBootstrap;
            Path admin;
            System.out.println("load average before: " + Files.readString(Path.of("/proc/loadavg")).strip());
            if (nodes == 1) {
                plainBootstrap = "127.0.0.1:" + freePort();
                Process plain = startPlainBroker(home, dir.resolve("plain"), plainBootstrap, freePort());
                brokers.add(() -> stopProcess(plain));
                SecureBroker secure = new SecureBroker(home, dir.resolve("secure"), freePort(), freePort());
                brokers.add(() -> secure.stop(Duration.ofSeconds(30)));
                secure.start(Duration.ofSeconds(120));
                admin = secure.adminConfig();
            } else {
                LocalCluster plain = new LocalCluster(home, dir.resolve("plain-cluster"));
                brokers.add(() -> plain.stop(Duration.ofSeconds(30)));
                plainBootstrap = plain.start(ClusterPorts.free(LocalCluster.NODES), Duration.ofSeconds(240));
                LocalCluster secure = LocalCluster.secure(home, dir.resolve("secure-cluster"));
                brokers.add(() -> secure.stop(Duration.ofSeconds(30)));
                secure.start(ClusterPorts.free(LocalCluster.NODES), Duration.ofSeconds(240));
                admin = secure.adminConfig().orElseThrow();
            }
            Path plainConfig = Files.writeString(dir.resolve("plain.properties"), "bootstrap.servers=" + plainBootstrap + "\n");
            run(home, "users", "add", "bench-admin", "--role", "admin", "--tenant", "bench", "--config", admin.toString(),
                    "--out", dir.resolve("admin.properties").toString());
            run(home, "users", "add", "bench-writer", "--role", "writer", "--tenant", "bench", "--config", admin.toString(),
                    "--out", dir.resolve("writer.properties").toString());
            run(home, "users", "add", "bench-client", "--role", "client", "--tenant", "bench", "--config", admin.toString(),
                    "--out", dir.resolve("client.properties").toString());
            awaitPlain(home, plainConfig);
            run(home, "coordinator", "--check", "--config", dir.resolve("admin.properties").toString());
            kids.add(start(home, dir.resolve("writer-plain.log"), "writer", "--config", plainConfig.toString(),
                    "--topic-prefix", "bench.", "--file", dir.resolve("plain.h5").toString(), "--id", "bench-plain"));
            kids.add(start(home, dir.resolve("writer-secure.log"), "writer", "--config", dir.resolve("writer.properties").toString(),
                    "--file", dir.resolve("secure.h5").toString(), "--id", "bench-secure"));
            System.out.printf("secure cost: %d node(s) each, %d s at 1000 tasks/s, %d echo tasks, %d rounds each, alternating%n",
                    nodes, seconds, echoTasks, rounds);
            List<Figures[]> results = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                Figures[] pair = new Figures[2];
                for (String mode : List.of("plaintext", "SASL_SSL")) {
                    boolean plaintext = mode.equals("plaintext");
                    Figures f = measure(plaintext ? plainConfig : dir.resolve("client.properties"), plaintext ? "bench." : null,
                            seconds, echoTasks);
                    pair[plaintext ? 0 : 1] = f;
                    System.out.printf("round %d %-9s echo %,8.0f tasks/s   round trip at 1000/s p50 %6.1f ms p99 %6.1f ms%n",
                            r, mode, f.echoPerSecond(), f.p50Ms(), f.p99Ms());
                }
                results.add(pair);
                System.out.printf("round %d SASL_SSL/plaintext: echo rate x%.2f, p50 x%.2f, p99 x%.2f%n", r,
                        pair[1].echoPerSecond() / pair[0].echoPerSecond(), pair[1].p50Ms() / pair[0].p50Ms(),
                        pair[1].p99Ms() / pair[0].p99Ms());
            }
            System.out.printf("all rounds SASL_SSL/plaintext (ratio of the sums): echo rate x%.2f, p50 x%.2f, p99 x%.2f%n",
                    sum(results, 1, Figures::echoPerSecond) / sum(results, 0, Figures::echoPerSecond),
                    sum(results, 1, Figures::p50Ms) / sum(results, 0, Figures::p50Ms),
                    sum(results, 1, Figures::p99Ms) / sum(results, 0, Figures::p99Ms));
            System.out.println("load average after: " + Files.readString(Path.of("/proc/loadavg")).strip());
        } finally {
            for (Process k : kids) {
                k.destroy();
                if (!k.waitFor(20, TimeUnit.SECONDS)) {
                    k.destroyForcibly();
                }
            }
            brokers.forEach(Runnable::run);
        }
    }

    private static double sum(List<Figures[]> results, int mode, java.util.function.ToDoubleFunction<Figures> figure) {
        return results.stream().mapToDouble(pair -> figure.applyAsDouble(pair[mode])).sum();
    }

    private static void stopProcess(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Figures measure(Path config, String prefix, int seconds, int echoTasks) throws Exception {
        Map<String, Object> merged = ConfigSources.merge(ClusterConfig.define(new ConfigDef()), config, Map.of(), Map.of());
        TaskFacade.Builder b = TaskFacade.builder().bootstrap((String) merged.get(ClusterConfig.BOOTSTRAP))
                .topicPrefix(prefix != null ? prefix : (String) merged.get(ClusterConfig.TOPIC_PREFIX))
                .kafka(ClusterConfig.kafkaPassThrough(merged));
        try (TaskFacade warm = b.build()) {
            for (int i = 0; i < 200; i++) {
                warm.submit(Task.of("echo", "w"));
            }
            // Long enough for a writer's first transactions on a cluster that is still making
            // __transaction_state (three replicas, on a loaded machine: over a minute).
            require(warm.collect(Duration.ofSeconds(180)), 200);
        }
        long[] latencies = new long[seconds * 1000];
        try (TaskFacade paced = b.build()) {
            long start = System.nanoTime();
            List<TaskHandle> handles = new ArrayList<>(latencies.length);
            for (int i = 0; i < latencies.length; i++) {
                long due = start + i * 1_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long sent = System.nanoTime();
                int at = i;
                TaskHandle h = paced.submit(Task.of("echo", "x"));
                h.result().thenRun(() -> latencies[at] = System.nanoTime() - sent);
                handles.add(h);
            }
            require(paced.collect(Duration.ofSeconds(120)), latencies.length);
        }
        double echo;
        try (TaskFacade burst = b.build()) {
            long start = System.nanoTime();
            for (int i = 0; i < echoTasks; i++) {
                burst.submit(Task.of("echo", "e"));
            }
            require(burst.collect(Duration.ofSeconds(300)), echoTasks);
            echo = echoTasks / ((System.nanoTime() - start) / 1e9);
        }
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Figures(echo, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6);
    }

    private static void require(CollectResult r, int n) {
        if (r.results().size() != n || !r.missing().isEmpty()) {
            throw new IllegalStateException(r.results().size() + " results of " + n + ", " + r.missing().size() + " missing");
        }
    }

    /** A one-node plaintext KRaft broker process from the same jars as the secure one. */
    private static Process startPlainBroker(Path home, Path dir, String bootstrap, int controllerPort) throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Path props = Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller", "node.id=1", "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://" + bootstrap + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + bootstrap, "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER", "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "auto.create.topics.enable=false", "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10", "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=1000",
                "log.dirs=" + dir.resolve("data"), ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = home.resolve("broker-config/target/kafka-lib") + File.separator + "*";
        String log4j = "-Dlog4j2.configurationFile=" + home.resolve("broker-config/local/log4j2.xml");
        Process format = new ProcessBuilder(java, log4j, "-Dkafka.logs.dir=" + dir.resolve("logs"), "-cp", cp, "kafka.tools.StorageTool",
                "format", "--cluster-id", org.apache.kafka.common.Uuid.randomUuid().toString(), "--config", props.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the plaintext broker failed: see " + dir.resolve("format.log"));
        }
        return new ProcessBuilder(java, "-Xms256m", "-Xmx1g", log4j, "-Dkafka.logs.dir=" + dir.resolve("logs"), "-cp", cp,
                "kafka.Kafka", props.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
    }

    /** Until the plaintext broker takes the coordinator's topic check (it may still be starting). */
    private static void awaitPlain(Path home, Path config) {
        Awaitility.await("the plaintext broker takes the coordinator's topic check").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    Process p = new ProcessBuilder(home.resolve("bin/sf").toString(), "coordinator", "--check", "--config",
                            config.toString(), "--topic-prefix", "bench.").directory(home.toFile()).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        return false;
                    }
                    return p.exitValue() == 0;
                });
    }

    private static void run(Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("sf " + String.join(" ", args) + " failed");
        }
    }

    private static Process start(Path home, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/sf").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
