package io.swmrfacade.monitor;

import io.swmrfacade.coordinator.StateTable;
import io.swmrfacade.coordinator.Summary;
import io.swmrfacade.coordinator.WorkerState;
import io.swmrfacade.monitor.internal.GroupProbe;
import io.swmrfacade.monitor.internal.TopicFollower;
import io.swmrfacade.proto.v1.Heartbeat;
import io.swmrfacade.proto.v1.MonitorUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Watches a whole installation from its topics alone, as any host that reaches the brokers can:
 * writer nodes from their heartbeats, readers from the monitor topic, tasks from the events and
 * results topics (folded by the coordinator's own {@link StateTable}), dead letters, and the lag
 * of each tasks partition from the writers' consumer group.
 *
 * <p>{@link #start} returns at once; a daemon thread then reads the topics from their beginning.
 * {@link #view()} may be called from any thread and asks the brokers for offsets, each question
 * bounded by {@link MonitorConfig#REQUEST_TIMEOUT_MS}.
 */
public final class InstallationMonitor implements AutoCloseable {

    private final MonitorConfig config;
    private final Clock clock;
    private final StateTable table;
    private final TopicFollower follower;
    private final Admin admin;
    private final GroupProbe probe;

    private InstallationMonitor(MonitorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.table = new StateTable(config.topics(), clock, config.workerTimeout().toMillis(), config.finishedKept());
        Map<String, Object> a = new HashMap<>(config.kafkaOverrides());
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        int timeout = (int) config.requestTimeout().toMillis();
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        this.admin = Admin.create(a);
        this.probe = new GroupProbe(admin, config.topics().tasks(), config.writerGroup(), timeout);
        this.follower = new TopicFollower(config.bootstrap(), config.kafkaOverrides(), config.topics(), table,
                config.deadLettersKept());
    }

    /** Starts reading the topics. Does not block and does not touch the network on the caller's thread. */
    public static InstallationMonitor start(MonitorConfig config, Clock clock) {
        return new InstallationMonitor(config, clock);
    }

    /**
     * Waits until every record that was on the topics at the start has been read, so that a view
     * shows the installation as it is, not as it was. Returns whether that happened within {@code timeout}.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /**
     * The installation now. Never throws for broker trouble: a question the brokers do not answer
     * in time leaves the partitions empty and says so in {@link InstallationView#problems()}.
     * Blocks at most a few times the request timeout.
     */
    public InstallationView view() {
        Instant now = clock.instant();
        long nowUs = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        List<String> problems = new ArrayList<>();
        if (follower.failure() != null) {
            problems.add("cannot read the topics: " + follower.failure());
        }
        List<PartitionView> partitions = List.of();
        try {
            partitions = probe.partitions();
        } catch (ExecutionException e) {
            problems.add("cannot read the tasks partitions and group " + config.writerGroup() + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            problems.add("the brokers at " + config.bootstrap() + " did not answer within "
                    + config.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted");
        }
        List<WriterView> writers = new ArrayList<>();
        for (WorkerState w : table.workers()) {
            if (w.lastSeenMsAgo() > config.forgetAfter().toMillis()) {
                continue;
            }
            writers.add(writer(w, partitions));
            if (!w.alive() && !w.stopped()) {
                problems.add("writer " + w.workerId() + " on " + w.host() + " has sent no heartbeat for "
                        + w.lastSeenMsAgo() / 1000 + " s");
            }
        }
        for (PartitionView p : partitions) {
            if (p.owner().isEmpty()) {
                problems.add("tasks partition " + p.partition() + " has no consumer (lag " + p.lag() + ")");
            }
        }
        List<ReaderView> readers = new ArrayList<>();
        for (MonitorUpdate u : follower.readers()) {
            readers.add(new ReaderView(u.getReaderId(), u.getHost(), u.getFile(), u.getSegment(), u.getTaskRows(),
                    u.getTasksOk(), u.getTasksFailed(), u.getStreamsList().stream()
                    .map(s -> new ReaderView.Stream(s.getPath(), s.getDtype(), s.getSamples())).toList(),
                    Math.max(0, (nowUs - u.getAtUs()) / 1000)));
        }
        Summary summary = table.summary();
        return new InstallationView(nowUs, config.bootstrap(), config.topics().prefix(), config.writerGroup(), writers,
                readers, partitions, summary.tasks(), summary.byState(), summary.deadLetters(),
                follower.recentDeadLetters(), problems);
    }

    private WriterView writer(WorkerState w, List<PartitionView> partitions) {
        Heartbeat hb = follower.heartbeats().latest(w.workerId());
        String state = w.alive() ? "ALIVE" : w.stopped() ? "STOPPED" : "DEAD";
        return new WriterView(w.workerId(), w.host(), hb == null ? "" : hb.getAddress(), w.file(), w.pid(), state,
                w.lastSeenMsAgo(), w.alive() ? follower.heartbeats().tasksPerSecond(w.workerId()) : 0,
                w.alive() ? w.running() : 0, w.tasksDone(), hb == null ? 0 : hb.getLastFlushUs(),
                partitions.stream().filter(p -> p.owner().equals(w.workerId())).toList());
    }

    /** Stops reading and closes the Kafka clients within a few seconds. */
    @Override
    public void close() {
        follower.close();
        admin.close(Duration.ofSeconds(2));
    }
}
