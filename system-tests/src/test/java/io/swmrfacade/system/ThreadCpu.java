package io.swmrfacade.system;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

/**
 * Where a benchmark's CPU went: each live thread's CPU time at {@link #start}, again at
 * {@link #perTask}, summed by thread name with its digits folded ({@code producer-7} and
 * {@code producer-9} are one group). With the broker in this JVM (the test kit) that covers the
 * whole installation; a thread that ended in between is missed, one started in between counts
 * from zero. The JVM's own threads (garbage collection, the JIT compilers) are not Java threads:
 * on Linux they are read from {@code /proc/self/task}, in clock ticks. The process's total is
 * printed beside, so what the groups miss shows; so is the whole machine's busy time from
 * {@code /proc/stat} (every process: a broker in its own JVM, child JVMs, the rest), in clock ticks.
 */
final class ThreadCpu {

    /** One clock tick of /proc, in ns: USER_HZ is 100 on Linux. */
    private static final long TICK_NANOS = 10_000_000L;

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> before = new HashMap<>();
    private final Map<Long, Long> allocatedBefore = new HashMap<>();
    private Map<String, Long> jvmBefore = Map.of();
    private long processBefore;
    private long machineBefore;
    private long wallBefore;

    static ThreadCpu start() {
        ThreadCpu c = new ThreadCpu();
        c.mx.setThreadCpuTimeEnabled(true);
        for (long id : c.mx.getAllThreadIds()) {
            c.before.put(id, Math.max(0, c.mx.getThreadCpuTime(id)));
            c.allocatedBefore.put(id, Math.max(0, c.allocated(id)));
        }
        c.jvmBefore = jvmThreads();
        c.processBefore = processCpu();
        c.machineBefore = machineBusyNanos();
        c.wallBefore = System.nanoTime();
        return c;
    }

    /** One line: the process's CPU and each of the {@code top} busiest thread groups', in µs per task. */
    String perTask(long tasks, int top) {
        double wall = System.nanoTime() - wallBefore;
        double process = processCpu() - processBefore;
        Map<String, Long> byGroup = sinceStart(mx::getThreadCpuTime, before);
        jvmThreads().forEach((group, ns) -> byGroup.merge(group, ns - jvmBefore.getOrDefault(group, 0L), Long::sum));
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder line = new StringBuilder(String.format(
                "process %.2f µs per task (%.0f%% of %d cores over %.2f s)", process / 1e3 / tasks, 100 * process / wall / cores,
                cores, wall / 1e9));
        if (machineBefore >= 0) {
            double machine = machineBusyNanos() - machineBefore;
            line.append(String.format(", machine %.2f µs per task (%.0f%% busy; other processes %.2f)", machine / 1e3 / tasks,
                    100 * machine / wall / cores, (machine - process) / 1e3 / tasks));
        }
        line.append("; threads:");
        largest(byGroup, top).forEach((name, ns) -> line.append(String.format(" %s %.2f,", name, ns / 1e3 / tasks)));
        line.setLength(line.length() - 1);
        return line.toString();
    }

    /** CPU of the JVM's garbage-collection and compiler threads by group, in ns; empty where /proc is not there. */
    private static Map<String, Long> jvmThreads() {
        Map<String, Long> out = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        try (var dirs = Files.list(tasks)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                try {
                    String comm = Files.readString(dir.resolve("comm")).strip();
                    String group = jvmGroup(comm);
                    if (group == null) {
                        continue;
                    }
                    String stat = Files.readString(dir.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    out.merge(group, ticks * TICK_NANOS, Long::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * The group of a JVM thread named {@code comm}, or null for threads of no group. The collector's
     * are split: its pause workers ({@code GC Thread#N}, any collector), G1's concurrent marking,
     * and G1's other threads (refinement, service).
     */
    private static String jvmGroup(String comm) {
        if (comm.startsWith("GC Thread")) {
            return "jvm: garbage collection (pauses)";
        }
        if (comm.startsWith("G1 Conc") || comm.startsWith("G1 Main")) {
            return "jvm: garbage collection (concurrent marking)";
        }
        if (comm.startsWith("G1 ")) {
            return "jvm: garbage collection (other G1 threads)";
        }
        if (comm.startsWith("C1 Compi") || comm.startsWith("C2 Compi")) {
            return "jvm: JIT compilers";
        }
        return comm.startsWith("VM ") ? "jvm: VM thread" : null;
    }

    /** Bytes allocated per task by the {@code top} thread groups that allocated most since {@link #start}, and in all. */
    String allocatedPerTask(long tasks, int top) {
        Map<String, Long> byGroup = sinceStart(this::allocated, allocatedBefore);
        long all = byGroup.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder line = new StringBuilder(String.format("%.0f bytes per task in all; threads:", (double) all / tasks));
        largest(byGroup, top).forEach((name, bytes) -> line.append(String.format(" %s %.0f,", name, (double) bytes / tasks)));
        line.setLength(line.length() - 1);
        return line.toString();
    }

    /** Each live Java thread's {@code counter} less its value at {@link #start}, summed by thread name with digits folded. */
    private Map<String, Long> sinceStart(LongUnaryOperator counter, Map<Long, Long> atStart) {
        Map<String, Long> byGroup = new HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo info = mx.getThreadInfo(id);
            long now = counter.applyAsLong(id);
            if (info != null && now >= 0) {
                byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "N"), now - atStart.getOrDefault(id, 0L), Long::sum);
            }
        }
        return byGroup;
    }

    private static Map<String, Long> largest(Map<String, Long> byGroup, int top) {
        return byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private long allocated(long threadId) {
        return ((com.sun.management.ThreadMXBean) mx).getThreadAllocatedBytes(threadId);
    }

    /** Every CPU's busy time since boot (all but idle and I/O wait), from /proc/stat, in ns; -1 where it is not there. */
    private static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // user nice system [idle iowait] irq softirq steal
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
