package io.swmrfacade.system;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * How soon a writer node takes tasks after its JVM starts, by phase. A task waits on the tasks
 * topic; a writer JVM is launched; the bench notes when the JVM printed STARTED (its file is open
 * and its node built) and when the waiting task's result arrived, and reads the writer's own
 * start-up line (each phase in ms since its JVM started). Each round does this for a node new to
 * its group (fresh topics, the attempts topic still to be created), then for the same node
 * restarted after a clean stop.
 *
 * <p>Run: {@code bench/run startup [rounds]}. The broker is the in-JVM test kit, or the broker at
 * {@code SF_BOOTSTRAP} when that is set (a broker in its own JVM).
 */
public final class WriterStartupBench {

    private static final Pattern PHASES = Pattern.compile("taking tasks (\\d+) ms after the JVM started.*?since the JVM started: (.*)$");

    private WriterStartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("sf-startup");
        System.out.println("broker: " + (System.getenv("SF_BOOTSTRAP") == null ? "in-JVM test kit" : "SF_BOOTSTRAP=" + System.getenv("SF_BOOTSTRAP")));
        List<Long> fresh = new ArrayList<>();
        List<Long> restarted = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            try (Installation sf = new Installation("startup" + round, 4); TaskFacade facade = sf.facade().build()) {
                Map<String, Object> settings = sf.writerSettings(dir.resolve("startup" + round + ".h5"), "startup-" + round);
                fresh.add(once("fresh    ", sf, facade, settings, dir.resolve("fresh" + round + ".log")));
                restarted.add(once("restarted", sf, facade, settings, dir.resolve("restart" + round + ".log")));
            }
        }
        System.out.printf("RESULT startup: first result after launch, ms: new node %s, restarted node %s%n", fresh, restarted);
        System.exit(0);
    }

    /** Launches a writer with a task waiting; returns ms from launch to that task's result. Stops the writer cleanly. */
    private static long once(String name, Installation sf, TaskFacade facade, Map<String, Object> settings, Path log) throws Exception {
        TaskHandle waiting = facade.submit(Task.of("echo", "waiting"));
        // The task is on the broker before the writer starts.
        Awaitility.await("the broker confirms the waiting task").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10)).until(() -> facade.stats().buffered() == 0);
        long launched = System.nanoTime();
        NodeProcess writer = NodeProcess.writer(settings, log);
        long started = System.nanoTime();
        waiting.result().get(60, TimeUnit.SECONDS);
        long answered = System.nanoTime();
        if (!writer.terminate(30)) {
            writer.kill9();
        }
        String phases = "(no start-up line in " + log + ")";
        for (String line : Files.readAllLines(log)) {
            Matcher m = PHASES.matcher(line);
            if (m.find()) {
                phases = "writer: taking tasks " + m.group(1) + " ms after its JVM started; " + m.group(2);
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(answered - launched);
        System.out.printf("%s launch -> STARTED %d ms, launch -> first result %d ms; %s%n", name,
                TimeUnit.NANOSECONDS.toMillis(started - launched), ms, phases);
        return ms;
    }
}
