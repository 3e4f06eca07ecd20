package io.swmrfacade.system;

import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A writer node in its own JVM, for tests that kill it with SIGKILL. Arguments are
 * {@code key=value} writer settings; prints {@code STARTED} once the node runs, and stops
 * cleanly on SIGTERM.
 */
public final class WriterProcessMain {

    private WriterProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> settings = new HashMap<>();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        WriterNode node = WriterNode.start(new WriterConfig(settings), Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        System.out.println("STARTED");
        System.out.flush();
        node.awaitTermination(java.time.Duration.ofDays(1));
        if (node.failure() != null) {
            System.err.println("writer failed: " + node.failure());
            System.exit(3);
        }
        stopped.await();
    }
}
