package io.swmrfacade.system;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;

/**
 * How long a kill -9 of a writer interrupts the flow of results: echo tasks are submitted at a
 * steady rate; once the writer has caught up and run 2 s more, it is killed; then (a) the same node is restarted at once, or (b) a
 * second node that was running all along takes over. Prints the time from the kill to the first
 * result after it, and until every task outstanding at the kill has its result.
 *
 * <p>Run: {@code bench/run recovery [sessionTimeoutsMs [steadySeconds]]}: the survivor case once per writer
 * {@code session.timeout.ms} listed (comma-separated, default {@code 3000,6000}), alternating, so
 * that the settings are compared in one run; the restart case once, with the default. The flow
 * runs {@code steadySeconds} (default 2) before each kill: a long run shows whether a live node
 * under load ever loses its session (PHASES counts partitions lost before the kill).
 */
public final class WriterRecoveryBench {

    /** How long the flow runs steadily before the kill; long runs check that no live node loses its session. */
    private static long steadyMs;

    private WriterRecoveryBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sf-recovery");
        restart(dir);
        int run = 0;
        steadyMs = args.length > 1 ? Long.parseLong(args[1]) * 1000 : 2000;
        for (String ms : (args.length > 0 ? args[0] : "3000,6000").split(",")) {
            survivor(dir, Integer.parseInt(ms.trim()), run++);
        }
        System.exit(0);
    }

    private static void restart(Path dir) throws Exception {
        try (Installation sf = new Installation("recovery-restart", 4); TaskFacade facade = sf.facade().build()) {
            Map<String, Object> settings = sf.writerSettings(dir.resolve("restart.h5"), "restart-node");
            NodeProcess writer = NodeProcess.writer(settings, dir.resolve("restart.log"));
            Flow flow = new Flow(facade);
            flow.start();
            flow.awaitSteady();
            long kill = System.nanoTime();
            writer.kill9();
            List<TaskHandle> outstanding = flow.outstandingAt();
            NodeProcess again = NodeProcess.writer(settings, dir.resolve("restart.log"));
            long restarted = System.nanoTime();
            report("restart", kill, restarted, flow, outstanding);
            again.terminate(30);
        }
    }

    private static void survivor(Path dir, int sessionTimeoutMs, int run) throws Exception {
        try (Installation sf = new Installation("recovery-survivor" + run, 4); TaskFacade facade = sf.facade().build()) {
            Map<String, Object> settingsA = sf.writerSettings(dir.resolve("a" + run + ".h5"), "node-a");
            Map<String, Object> settingsB = sf.writerSettings(dir.resolve("b" + run + ".h5"), "node-b");
            settingsA.put("kafka.session.timeout.ms", sessionTimeoutMs);
            settingsB.put("kafka.session.timeout.ms", sessionTimeoutMs);
            NodeProcess a = NodeProcess.writer(settingsA, dir.resolve("a" + run + ".log"));
            NodeProcess b = NodeProcess.writer(settingsB, dir.resolve("b" + run + ".log"));
            // Both nodes hold partitions before the flow starts: a survivor still joining at the
            // kill would measure its own start-up, not the handover.
            sf.awaitWritersAssigned(2);
            Flow flow = new Flow(facade);
            flow.start();
            flow.awaitSteady();
            long kill = System.nanoTime();
            LocalTime killedAt = LocalTime.now();
            a.kill9();
            report("survivor (session.timeout.ms " + sessionTimeoutMs + ")", kill, -1, flow, flow.outstandingAt());
            b.terminate(30);
            phases(dir.resolve("b" + run + ".log"), dir.resolve("a" + run + ".log"), killedAt);
        }
    }

    /**
     * What the survivor's log says about the handover: when it was assigned the dead node's
     * partitions (session expiry and rebalance), whether it had to end the dead node's open
     * transaction, and whether either node lost partitions before the kill (a session that
     * expired on a live node: flapping).
     */
    private static void phases(Path survivorLog, Path killedLog, LocalTime killedAt) throws java.io.IOException {
        long assignedMs = -1;
        long fencedMs = -1;
        int movesBefore = 0;
        for (String line : Files.readAllLines(survivorLog)) {
            LocalTime at = logTime(line);
            if (at == null) {
                continue;
            }
            long ms = Duration.between(killedAt, at).toMillis();
            boolean move = line.contains("Rebalance") && line.contains(" lost [");
            if (ms < 0) {
                movesBefore += move ? 1 : 0;
            } else if (assignedMs < 0 && line.contains(" assigned [") && !line.contains(" assigned []")) {
                assignedMs = ms;
            } else if (fencedMs < 0 && line.contains("fenced the open transactions")) {
                fencedMs = ms;
            }
        }
        for (String line : Files.readAllLines(killedLog)) {
            if (line.contains("Rebalance") && line.contains(" lost [")) {
                movesBefore++;
            }
        }
        System.out.printf("PHASES survivor assigned the dead node's partitions %d ms after the kill; %s; partitions lost"
                        + " (a live node's session expired) before the kill: %d%n", assignedMs,
                fencedMs < 0 ? "no open transaction of the dead node to end" : "ended its open transaction " + fencedMs + " ms after the kill",
                movesBefore);
    }

    private static LocalTime logTime(String line) {
        try {
            return line.length() >= 12 ? LocalTime.parse(line.substring(0, 12)) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** {@code outstanding}: the tasks without a result at the kill. */
    private static void report(String name, long kill, long restarted, Flow flow, List<TaskHandle> outstanding) throws Exception {
        Awaitility.await().alias("every task outstanding at the kill answered").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> flow.firstResultAfter(kill) >= 0 && outstanding.stream().allMatch(h -> h.result().isDone()));
        long allDone = System.nanoTime();
        long firstAfter = flow.firstResultAfter(kill);
        // Tasks sent after the kill to the dead node's partitions wait until a node owns them again.
        parkUntil(kill + 1_000_000_000L);
        List<TaskHandle> after = flow.submittedBetween(kill, kill + 1_000_000_000L);
        Awaitility.await().alias("the tasks submitted just after the kill answered").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(1)).until(() -> after.stream().allMatch(h -> h.result().isDone()));
        long afterDone = System.nanoTime();
        flow.stopFlow();
        System.out.printf("RESULT %s: %d tasks outstanding at the kill; first result %.0f ms after the kill%s; all of them %.0f ms after;"
                        + " the %d tasks submitted in the second after the kill all done %.0f ms after the kill%n",
                name, outstanding.size(), (firstAfter - kill) / 1e6,
                restarted > 0 ? String.format(" (node restarted %.0f ms after the kill)", (restarted - kill) / 1e6) : "",
                (allDone - kill) / 1e6, after.size(), (afterDone - kill) / 1e6);
    }

    /** Lets time pass until {@code nanoTime} (a {@link System#nanoTime} reading); returns early if interrupted. */
    private static void parkUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0 && !Thread.currentThread().isInterrupted();
                left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Submits echo tasks at 200/s over every partition and notes when each result arrives. */
    private static final class Flow extends Thread {
        private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
        private final TaskFacade facade;
        private final List<TaskHandle> handles = new CopyOnWriteArrayList<>();
        private final List<Long> submitted = new CopyOnWriteArrayList<>();
        private final List<Long> arrivals = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);

        Flow(TaskFacade facade) {
            this.facade = facade;
            setDaemon(true);
        }

        @Override
        public void run() {
            long n = 0;
            long next = System.nanoTime();
            while (running.get()) {
                // A key of its own for each task spreads them over every partition, the dead
                // node's among them; without keys the producer fills one partition at a time
                // (16 KiB, about 100 tasks), and whether the outstanding tasks sat on the dead
                // node's partitions was luck.
                TaskHandle h = facade.submit(Task.of("echo", "x").withRoutingKey("k" + n++));
                h.result().thenAccept((TaskResult r) -> arrivals.add(System.nanoTime()));
                handles.add(h);
                submitted.add(System.nanoTime());
                // At most 200/s: after a stall (a broker or GC pause) the flow goes on at its rate, not in a burst.
                next = Math.max(next + PACE_NANOS, System.nanoTime());
                LockSupport.parkNanos(next - System.nanoTime());
                if (Thread.interrupted()) {
                    return;
                }
            }
        }

        /**
         * Waits until the nodes (new JVMs) have caught up with what was submitted while they
         * started, then 2 s more at the steady rate.
         */
        void awaitSteady() throws InterruptedException {
            Awaitility.await().alias("the nodes caught up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !arrivals.isEmpty() && outstandingAt().size() <= 20);
            parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(steadyMs)); // the steady state the kill interrupts
        }

        List<TaskHandle> outstandingAt() {
            return handles.stream().filter(h -> !h.result().isDone()).toList();
        }

        List<TaskHandle> submittedBetween(long from, long to) {
            List<TaskHandle> out = new java.util.ArrayList<>();
            for (int i = 0; i < submitted.size(); i++) {
                if (submitted.get(i) >= from && submitted.get(i) < to) {
                    out.add(handles.get(i));
                }
            }
            return out;
        }

        long firstResultAfter(long nanos) {
            return arrivals.stream().filter(t -> t > nanos).min(Long::compare).orElse(-1L);
        }

        void stopFlow() {
            running.set(false);
        }
    }
}
