package io.swmrfacade.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How long {@code bin/sf} takes, as a shell loop sees it: the wall time of whole processes, start
 * to exit, against a real broker (an in-JVM KRaft node in this JVM, on a free port). Compares the
 * launcher's fast start (C1 only, serial GC, class-data sharing) with {@code SF_FAST_START=0}
 * (the JVM's defaults, as before), alternating the two within one run. Each {@code sf submit}
 * also reports its phases ({@code SF_TIMING=1}); the line of the median run is printed.
 *
 * <p>{@code bench/run cli [runs]} (default 7 runs of each small case, a third as many large ones).
 */
public final class CliStartBench {

    private record Timed(long millis, String timing) {
    }

    private CliStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        try (SfProcesses sf = new SfProcesses()) {
            check(sf.run("coordinator", "--check", "--topic-prefix=bench."));
            Files.deleteIfExists(SfProcesses.HOME.resolve("sf-cli/target/sf-cli.jsa"));
            String[] three = {"submit", "--topic-prefix=bench.", "--type=echo", "--payload=hi", "--count=3"};
            System.out.printf("first fast-start sf submit, which dumps the class archive (once per build): %d ms%n",
                    run(sf, Map.of(), three).millis());

            Map<String, String> before = Map.of("SF_FAST_START", "0", "SF_TIMING", "1");
            Map<String, String> after = Map.of("SF_TIMING", "1");
            compare(sf, "sf --version (the JVM and the CLI alone)", runs, before, after, "--version");
            compare(sf, "sf submit, 3 echo tasks", runs, before, after, three);
            int big = Math.max(2, runs / 3);
            compare(sf, "sf submit --count 100000", big, before, after,
                    "submit", "--topic-prefix=bench.", "--type=echo", "--payload=hi", "--count=100000");
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 100_000; i++) {
                lines.append("{\"payload\":\"task ").append(i).append("\"}\n");
            }
            Path from = Files.writeString(Files.createTempFile("sf-bench", ".jsonl"), lines.toString(), StandardCharsets.UTF_8);
            try {
                compare(sf, "sf submit --from FILE, 100000 lines", big, before, after,
                        "submit", "--topic-prefix=bench.", "--type=echo", "--from=" + from);
            } finally {
                Files.delete(from);
            }
        }
    }

    private static void compare(SfProcesses sf, String what, int runs, Map<String, String> before, Map<String, String> after,
                                String... args) throws Exception {
        List<Timed> slow = new ArrayList<>();
        List<Timed> fast = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            slow.add(run(sf, before, args));
            fast.add(run(sf, after, args));
        }
        System.out.printf("%n%s: %d runs each, wall ms min / p50 / max%n", what, runs);
        print("  SF_FAST_START=0", slow);
        print("  fast start     ", fast);
    }

    private static Timed run(SfProcesses sf, Map<String, String> env, String... args) throws Exception {
        long start = System.nanoTime();
        SfProcesses.Run r = sf.run(env, new byte[0], args);
        long millis = (System.nanoTime() - start) / 1_000_000;
        check(r);
        String timing = r.err().lines().filter(l -> l.contains(" timing: ")).findFirst().orElse("");
        return new Timed(millis, timing.substring(timing.indexOf(':') + 1).trim());
    }

    private static void check(SfProcesses.Run r) {
        if (r.exit() != 0) {
            throw new IllegalStateException("a command failed: " + r);
        }
    }

    private static void print(String label, List<Timed> runs) {
        List<Timed> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingLong(Timed::millis));
        Timed median = sorted.get(sorted.size() / 2);
        System.out.printf("%s %6d / %6d / %6d   %s%n", label, sorted.get(0).millis(), median.millis(),
                sorted.get(sorted.size() - 1).millis(), median.timing());
    }
}
