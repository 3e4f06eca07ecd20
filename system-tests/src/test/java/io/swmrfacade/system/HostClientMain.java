package io.swmrfacade.system;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A client on a host of its own: submits {@code tasks} echo tasks at {@code rate} per second (0:
 * as fast as it can), timing every {@code submit} call, then collects with {@code timeout}
 * seconds and writes what it found to {@code out} (a properties file): how many were submitted
 * and collected, how many distinct, missing or not OK, whether the results are exactly the tasks
 * submitted, and how long submit calls took (p50, p99, the slowest and which one it was).
 * Prints {@code STARTED} once its facade is built.
 */
public final class HostClientMain {

    private HostClientMain() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        int tasks = Integer.parseInt(a.get("tasks"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "0"));
        Properties out = new Properties();
        try (TaskFacade facade = TaskFacade.builder().bootstrap(a.get("bootstrap")).topicPrefix(a.get("prefix")).build()) {
            System.out.println("STARTED");
            System.out.flush();
            List<TaskHandle> handles = new ArrayList<>(tasks);
            long[] submitNanos = new long[tasks];
            long start = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                long t0 = System.nanoTime();
                handles.add(facade.submit(Task.of("echo", a.get("prefix") + i).withRoutingKey("k" + i)));
                submitNanos[i] = System.nanoTime() - t0;
                if (rate > 0) {
                    long due = start + (long) ((i + 1) * 1e9 / rate);
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            out.setProperty("submitted", Integer.toString(handles.size()));
            out.setProperty("submitMillis", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            int slowest = 0;
            for (int i = 1; i < tasks; i++) {
                slowest = submitNanos[i] > submitNanos[slowest] ? i : slowest;
            }
            out.setProperty("maxSubmitMicros", Long.toString(TimeUnit.NANOSECONDS.toMicros(submitNanos[slowest])));
            out.setProperty("slowestSubmit", Integer.toString(slowest));
            long[] sorted = submitNanos.clone();
            java.util.Arrays.sort(sorted);
            out.setProperty("p50SubmitMicros", Long.toString(TimeUnit.NANOSECONDS.toMicros(sorted[tasks / 2])));
            out.setProperty("p99SubmitMicros", Long.toString(TimeUnit.NANOSECONDS.toMicros(sorted[(int) (tasks * 0.99)])));
            long collectStart = System.nanoTime();
            CollectResult all = facade.collect(Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout", "120"))));
            out.setProperty("collectMillis", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - collectStart)));
            Set<String> submittedIds = new HashSet<>();
            handles.forEach(h -> submittedIds.add(h.id().value()));
            Set<String> distinct = new HashSet<>();
            long notOk = 0;
            for (TaskResult r : all.results()) {
                distinct.add(r.id().value());
                if (r.status() != TaskStatus.OK) {
                    notOk++;
                }
            }
            out.setProperty("collected", Integer.toString(all.results().size()));
            out.setProperty("distinct", Integer.toString(distinct.size()));
            out.setProperty("missing", Integer.toString(all.missing().size()));
            out.setProperty("notOk", Long.toString(notOk));
            out.setProperty("exactlyTheSubmitted", Boolean.toString(distinct.equals(submittedIds)));
        } catch (RuntimeException e) {
            out.setProperty("error", String.valueOf(e));
        }
        try (Writer w = Files.newBufferedWriter(Path.of(a.get("out")))) {
            out.store(w, "HostClientMain");
        }
    }
}
