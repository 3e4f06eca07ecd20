package io.swmrfacade.client.bench;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;

/**
 * Client heap per outstanding task: submits 1,000,000 tasks (100-byte payloads) with no broker
 * listening, so every one stays buffered and unanswered, and compares the live heap after a full
 * GC before and after. A benchmark, not a test. Run with {@code -Xmx4g}; argument: task count.
 */
public final class MemoryBench {

    private MemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String nowhere;
        try (ServerSocket s = new ServerSocket(0)) {
            nowhere = "127.0.0.1:" + s.getLocalPort();
        }
        byte[] payload = new byte[100];
        TaskFacade facade = TaskFacade.builder().bootstrap(nowhere).maxBuffered(n, 4L * 1024 * 1024 * 1024).build();
        long before = liveHeap();
        TaskHandle[] handles = new TaskHandle[n]; // the caller keeps its handles, as a real one would
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            handles[i] = facade.submit(Task.of("echo", payload));
        }
        long submitMs = (System.nanoTime() - start) / 1_000_000;
        long after = liveHeap();
        long perTask = (after - before) / n;
        System.out.printf("outstanding=%d buffered=%d heap: before=%d MB after=%d MB => %d bytes/task (incl. caller's handle, "
                        + "%d-byte payload); %d submits took %d ms%n", facade.stats().withoutResult(), facade.stats().buffered(),
                before >> 20, after >> 20, perTask, payload.length, n, submitMs);
        facade.close(Duration.ofSeconds(1));
        System.out.println("kept " + handles.length);
    }

    /**
     * The heap in use after full collections, repeated until a collection frees nothing more
     * (references cleared by one are reclaimed by the next), at most five.
     */
    public static long liveHeap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
