package io.swmrfacade.system;

import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A client in its own JVM that submits {@link MixedTasks} for tests that SIGKILL it mid-run.
 * Arguments: {@code bootstrap prefix tasks tasksPerSecond}. Prints {@code SESSION <id>}, then
 * {@code SUBMITTED <id> <index>} per task as {@code submit} returns; then waits to be killed, or
 * ends when the process that started it is gone.
 */
public final class ClusterSubmitterMain {

    private ClusterSubmitterMain() {
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[2]);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / Integer.parseInt(args[3]);
        TaskFacade facade = TaskFacade.builder().bootstrap(args[0]).topicPrefix(args[1]).build();
        System.out.println("SESSION " + facade.session());
        System.out.flush();
        long next = System.nanoTime();
        for (int i = 0; i < n; i++) {
            TaskHandle h = facade.submit(MixedTasks.task(i));
            System.out.println("SUBMITTED " + h.id() + " " + i);
            System.out.flush();
            next += intervalNanos;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        // Until killed, or until the test that started it is gone (its end of stdin closes).
        try {
            while (System.in.read() >= 0) {
                // nothing is sent on stdin
            }
        } catch (java.io.IOException e) {
            // the same: nobody at the other end
        }
        facade.close(Duration.ofSeconds(5));
        System.exit(0);
    }
}
