package io.swmrfacade.system;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskId;

/**
 * A numbered mix of tasks whose outputs and file contents are known in advance: of every ten,
 * six echo their own distinct text, one sleeps 10 ms, three append 64 float32 samples to one
 * stream, in order ({@code /cluster/Ex} holds 0, 1, 2, ... when every append ran once, in order).
 */
final class MixedTasks {

    static final String STREAM = "/cluster/Ex";
    static final int SAMPLES = 64;
    private static final String SLEEP = "0.01";

    private MixedTasks() {
    }

    static Task task(int i) {
        return switch (i % 10) {
            case 0, 1, 2, 3, 4, 5 -> Task.of("echo", "echo " + i);
            case 6 -> Task.of("sleep", SLEEP);
            default -> Task.of("append", Payloads.float32(STREAM, appendIndex(i) * SAMPLES, SAMPLES)).withRoutingKey(STREAM);
        };
    }

    /** The output task {@code i} must have, run once, when it got the id {@code id}. */
    static String expectedOutput(int i, TaskId id) {
        return switch (i % 10) {
            case 0, 1, 2, 3, 4, 5 -> "echo " + i;
            case 6 -> id + " solved after " + SLEEP;
            default -> "appended " + SAMPLES + " float32 samples to " + STREAM;
        };
    }

    /** How many append tasks come before task {@code n}: the stream then holds {@code appendsBefore(n) * SAMPLES} samples. */
    static int appendsBefore(int n) {
        return (n / 10) * 3 + Math.max(0, n % 10 - 7);
    }

    private static int appendIndex(int i) {
        return appendsBefore(i);
    }
}
