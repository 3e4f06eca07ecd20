package io.swmrfacade.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a command's time goes, for {@code bench/run cli}: with {@code SF_TIMING=1} in the
 * environment, {@link #print} writes one line to stderr, the first phase measured from the JVM's
 * start (the process start time, to 10 ms). Costs nothing when off.
 */
final class PhaseTimes {

    private final boolean on = System.getenv("SF_TIMING") != null;
    private final List<String> phases = new ArrayList<>();
    private long last;

    PhaseTimes() {
        if (on) {
            last = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
            mark("jvm+cli");
        }
    }

    /** Ends the phase called {@code name}. */
    void mark(String name) {
        if (on) {
            long now = System.currentTimeMillis();
            phases.add(name + " " + (now - last) + " ms");
            last = now;
        }
    }

    void print(String command) {
        if (on) {
            System.err.println(command + " timing: " + String.join(", ", phases));
        }
    }
}
