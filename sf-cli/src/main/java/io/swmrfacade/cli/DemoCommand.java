package io.swmrfacade.cli;

import com.google.protobuf.ByteString;
import io.swmrfacade.broker.LocalBroker;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.AppendPayload;
import io.swmrfacade.proto.v1.MonitorUpdate;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.topology.Topics;
import io.swmrfacade.writer.WriterConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole system on one machine, as seed 000 and seed 001 together: a broker, the coordinator,
 * one writer and three readers, each its own process; a facade submits a stream of append and
 * sleep tasks, collects every result by id, and prints what happened.
 */
@Command(name = "demo", description = "Run everything locally for a few seconds and print a summary.")
final class DemoCommand implements Callable<Integer> {

    private static final String[] STREAMS = {"/live_survey/MT001/run_001/Ex", "/live_survey/MT001/run_001/Ey",
        "/live_survey/MT001/run_001/Hx"};
    private static final int SAMPLES_PER_APPEND = 4096;
    private static final Duration WRITER_START_TIMEOUT = Duration.ofSeconds(120);

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--seconds", defaultValue = "10", description = "How long to submit tasks.")
    int seconds;

    @Option(names = "--readers", defaultValue = "3", description = "Reader processes.")
    int readers;

    @Option(names = "--dir", description = "Where the file and logs go (default: var/demo).")
    Path dir;

    private volatile LocalBroker startedBroker;

    @Override
    public Integer call() throws Exception {
        System.setProperty("sf.log.level", "WARN");
        Path work = (dir == null ? Home.dir().resolve("var/demo") : dir).toAbsolutePath();
        Path logs = work.resolve("logs");
        Files.createDirectories(logs);
        Path file = work.resolve("demo.h5");
        deleteOldSegments(work);
        Children kids = new Children(logs);
        Thread cleanup = new Thread(() -> stopEverything(kids), "sf-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);

        // A --config file may name the cluster (bootstrap.servers) and how to log in to it.
        String bootstrap = cluster.bootstrap != null || cluster.config != null ? cluster.bootstrap() : startBroker();
        String prefix = cluster.topicPrefix();
        Map<String, Object> kafka = cluster.kafka();
        say("coordinator, 1 writer, %d readers starting (logs in %s)", readers, logs);
        kids.start("coordinator", false, args("coordinator", cluster.childArgs(bootstrap)));
        awaitTopics(bootstrap, kafka, new Topics(prefix));
        Process writer = kids.start("writer", false, args("writer", cluster.childArgs(bootstrap), "--file=" + file,
                "--id=demo-writer"));
        for (int i = 1; i <= readers; i++) {
            kids.start("reader-" + i, true, args("reader", cluster.childArgs(bootstrap), "--file=" + file, "--id=reader-" + i));
        }
        // The clock starts once the writer takes tasks, so the run shows steady growth from its first second.
        Duration waited = awaitWriterAssigned(bootstrap, kafka, new Topics(prefix), writer);
        say("writer holds every task partition (after %.1f s); submitting for %d s", waited.toMillis() / 1000.0, seconds);
        int exit;
        try (MonitorWatch monitor = new MonitorWatch(bootstrap, kafka, new Topics(prefix).monitor());
             TaskFacade facade = cluster.facade().bootstrap(bootstrap).build()) {
            // Holding the partitions is not yet answering: a loaded machine can take seconds more
            // to run the first task. One echo round trip first, so the clock starts on a writer
            // that answers, and the readers' counts grow from the run's first second.
            long firstAsked = System.nanoTime();
            TaskHandle first = facade.submit(Task.of("echo", "first"));
            try {
                first.result().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the writer did not answer its first task within 60 s (see " + logs.resolve("writer.log") + ")");
            }
            say("writer answered its first task (after %.1f s)", (System.nanoTime() - firstAsked) / 1e9);
            List<TaskHandle> handles = new ArrayList<>(List.of(first));
            handles.addAll(submitFor(facade, Duration.ofSeconds(seconds)));
            say("submitted %d tasks; collecting", handles.size());
            CollectResult all = facade.collect(Duration.ofSeconds(60));
            Thread.sleep(1500); // let the readers report the last rows on the monitor topic
            boolean writerClean = Children.stop(writer, 20);
            exit = summarize(facade.session().value(), handles, all, file, monitor.latest(), writerClean);
        }
        Runtime.getRuntime().removeShutdownHook(cleanup);
        stopEverything(kids);
        return exit;
    }

    private String startBroker() {
        LocalBroker broker = new LocalBroker(Home.dir());
        boolean wasRunning = broker.status().running();
        say("%s local Kafka broker (KRaft)", wasRunning ? "using the running" : "starting a");
        String bootstrap = broker.start(Duration.ofSeconds(90));
        if (!wasRunning) {
            startedBroker = broker;
        }
        return bootstrap;
    }

    private void stopEverything(Children kids) {
        kids.stopAll(15);
        if (startedBroker != null) {
            say("stopping the broker");
            startedBroker.stop(Duration.ofSeconds(30));
            startedBroker = null;
        }
    }

    /** A stream of appends (sine waves on three channels) and seed-001 sleeps, for the given time. */
    private static List<TaskHandle> submitFor(TaskFacade facade, Duration duration) throws InterruptedException {
        List<TaskHandle> handles = new ArrayList<>();
        long end = System.nanoTime() + duration.toNanos();
        long nextReport = System.nanoTime();
        int block = 0;
        while (System.nanoTime() < end) {
            for (String stream : STREAMS) {
                handles.add(facade.submit(Task.of("append", sine(stream, block)).withRoutingKey(stream)));
            }
            if (block % 5 == 0) {
                String seconds = String.format("%.2f", 0.05 + ThreadLocalRandom.current().nextDouble(0.45));
                handles.add(facade.submit(Task.of("sleep", seconds)));
            }
            block++;
            if (System.nanoTime() >= nextReport) {
                long done = handles.stream().filter(h -> h.result().isDone()).count();
                say("%d tasks submitted, %d results in", handles.size(), done);
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            }
            Thread.sleep(50);
        }
        return handles;
    }

    private static byte[] sine(String stream, int block) {
        ByteBuffer b = ByteBuffer.allocate(4 * SAMPLES_PER_APPEND).order(ByteOrder.LITTLE_ENDIAN);
        double phase = stream.hashCode() % 7;
        for (int i = 0; i < SAMPLES_PER_APPEND; i++) {
            long n = (long) block * SAMPLES_PER_APPEND + i;
            b.putFloat((float) Math.sin(phase + n * 2 * Math.PI / 256.0));
        }
        return AppendPayload.newBuilder().setStream(stream).setDtype("float32").setUnits("mV/km").setSampleRateHz(256)
                .setSamples(ByteString.copyFrom(b.array())).build().toByteArray();
    }

    private int summarize(String session, List<TaskHandle> handles, CollectResult all, Path file,
                          Map<String, MonitorUpdate> seen, boolean writerClean) {
        Set<String> submitted = new HashSet<>();
        handles.forEach(h -> submitted.add(h.id().value()));
        long matched = all.results().stream().filter(r -> submitted.contains(r.id().value())).count();
        Map<TaskStatus, Integer> byStatus = new EnumMap<>(TaskStatus.class);
        all.results().forEach(r -> byStatus.merge(r.status(), 1, Integer::sum));
        System.out.println();
        System.out.println("== swmr-facade demo summary ==");
        System.out.printf("tasks submitted          %d%n", handles.size());
        System.out.printf("results matched by id    %d %s%s%n", matched, byStatus,
                all.missing().isEmpty() ? "" : ", MISSING " + all.missing().size());
        long rows = 0;
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            if (f != null) {
                SwmrFollower.Update u = f.poll();
                rows = u.newRows().stream().filter(r -> r.row().sessionId().equals(session)).count();
                System.out.printf("rows written             %d in %s (segments 0..%d)%n", rows, file, u.segment());
                if (u.totalRows() > rows) {
                    // Tasks an earlier, interrupted demo left in Kafka: durable, so they ran now.
                    System.out.printf("  plus %d rows of tasks left in Kafka by an earlier, interrupted run%n", u.totalRows() - rows);
                }
                u.streams().values().forEach(s -> System.out.printf("  %-34s %,d %s samples%n", s.path(), s.samples(), s.type().wireName()));
            }
        }
        System.out.printf("writer stopped cleanly   %s%n", writerClean ? "yes" : "NO (killed)");
        for (Map.Entry<String, MonitorUpdate> e : seen.entrySet()) {
            MonitorUpdate u = e.getValue();
            long samples = u.getStreamsList().stream().mapToLong(MonitorUpdate.Stream::getSamples).sum();
            System.out.printf("%-24s saw %d tasks (%d ok, %d failed), %,d samples, segment %d%n",
                    e.getKey(), u.getTaskRows(), u.getTasksOk(), u.getTasksFailed(), samples, u.getSegment());
        }
        if (seen.isEmpty()) {
            System.out.println("readers                  no monitor updates arrived");
        }
        boolean ok = all.complete() && matched == handles.size() && rows == handles.size()
                && all.results().stream().allMatch(r -> r.status() == TaskStatus.OK);
        System.out.println(ok ? "every task has exactly one result and one row: OK" : "SOMETHING IS WRONG: see above and " + file.getParent().resolve("logs"));
        return ok ? 0 : Main.TASKS_FAILED;
    }

    /**
     * Waits until the writer group's members hold every partition of the tasks topic (Admin
     * describeConsumerGroups), at most {@link #WRITER_START_TIMEOUT}; returns how long it took.
     */
    private static Duration awaitWriterAssigned(String bootstrap, Map<String, Object> kafka, Topics topics, Process writer)
            throws Exception {
        String group = (String) WriterConfig.DEFINITION.defaultValues().get(WriterConfig.GROUP);
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long start = System.nanoTime();
        long deadline = start + WRITER_START_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(p)) {
            int partitions = answer(admin.describeTopics(List.of(topics.tasks())).allTopicNames(), "describe " + topics.tasks())
                    .get(topics.tasks()).partitions().size();
            while (true) {
                if (heldPartitions(admin, group, topics.tasks()) == partitions) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                if (!writer.isAlive()) {
                    throw new IllegalStateException("the writer exited with status " + writer.exitValue()
                            + " before taking tasks (see var/demo/logs/writer.log)");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the writer did not take the task partitions within "
                            + WRITER_START_TIMEOUT.toSeconds() + " s (see var/demo/logs/writer.log)");
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * How many partitions of {@code topic} the group's members hold; 0 while the group does not
     * exist yet, or its coordinator does not answer within a few seconds (on a fresh, loaded
     * broker, making the offsets topic that holds the group can take longer than that).
     */
    private static long heldPartitions(Admin admin, String group, String topic) throws Exception {
        ConsumerGroupDescription d;
        try {
            d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
        return d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                .filter(tp -> tp.topic().equals(topic)).distinct().count();
    }

    private static void awaitTopics(String bootstrap, Map<String, Object> kafka, Topics topics) throws Exception {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(p)) {
            while (!answer(admin.listTopics().names(), "list topics").containsAll(topics.all())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the coordinator did not create the topics within 60 s (see var/demo/logs/coordinator.log)");
                }
                Thread.sleep(100);
            }
        }
    }

    /** What {@code future} gives, or an error naming the request the broker did not answer within 60 s. */
    private static <T> T answer(KafkaFuture<T> future, String request) throws Exception {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer '" + request + "' within 60 s", e);
        }
    }

    /** A child's command line: the command, the shared options, then its own. */
    private static String[] args(String command, List<String> shared, String... own) {
        List<String> all = new java.util.ArrayList<>();
        all.add(command);
        all.addAll(shared);
        all.addAll(List.of(own));
        return all.toArray(String[]::new);
    }

    private static void deleteOldSegments(Path work) throws java.io.IOException {
        try (var files = Files.list(work)) {
            for (Path f : files.filter(x -> x.getFileName().toString().startsWith("demo.")).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf("[demo] " + format + "%n", args);
    }
}
