package io.swmrfacade.system;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A client in its own JVM, for tests that kill it with SIGKILL mid-run. Arguments:
 * {@code bootstrap prefix tasks}. Prints {@code SESSION <id>} first, then {@code SUBMITTED <id>}
 * per task and {@code RESULT <id> <status>} per result as it arrives; submits about one task per
 * millisecond so that a kill lands in the middle of the run; then waits to be killed, or ends
 * when the process that started it is gone.
 */
public final class ClientSubmitterMain {

    private ClientSubmitterMain() {
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[2]);
        TaskFacade facade = TaskFacade.builder().bootstrap(args[0]).topicPrefix(args[1]).build();
        say("SESSION " + facade.session());
        for (int i = 0; i < n; i++) {
            TaskHandle h = facade.submit(Task.of("echo", "resumed " + i));
            say("SUBMITTED " + h.id());
            h.result().thenAccept(r -> say("RESULT " + r.id() + " " + r.status()));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
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

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
