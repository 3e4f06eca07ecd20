package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.CancelRequest;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cancels this node knows of (from the cancels topic, {@link CancelsFollower}) and the
 * signals of the tasks it runs: a cancel that arrives while its task runs raises that task's
 * signal at once; one that arrives before is found when the task would start
 * ({@link #reason}).
 *
 * <p>Holds every cancel the topic retains (it keeps them as long as the tasks topic keeps tasks):
 * a few dozen bytes each. Thread-safe.
 */
final class CancelBook {

    private static final String SUBMITTED_AFTER_CANCEL = "cancelled with its session (its client cancelled the session first)";

    private final Map<String, String> tasks = new ConcurrentHashMap<>();
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final Map<String, RunSignal> running = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** Notes {@code c}; raises the signals of the running tasks it names. */
    void add(CancelRequest c) {
        String why = "cancelled" + (c.getRequestedBy().isEmpty() ? "" : " by " + c.getRequestedBy());
        if (!c.getTaskId().isEmpty()) {
            tasks.putIfAbsent(c.getTaskId(), why);
            RunSignal s = running.get(c.getTaskId());
            if (s != null) {
                s.raise(TaskStatus.CANCELLED, why + " while it ran");
            }
        } else if (!c.getSessionId().isEmpty()) {
            String sessionWhy = why + " with its session";
            sessions.putIfAbsent(c.getSessionId(), sessionWhy);
            running.values().stream().filter(s -> s.sessionId().equals(c.getSessionId()))
                    .forEach(s -> s.raise(TaskStatus.CANCELLED, sessionWhy + " while it ran"));
        } else {
            return;
        }
        generation.incrementAndGet();
    }

    /**
     * Why {@code task} is cancelled, or null if it is not. A task whose client had cancelled its
     * session before submitting it is cancelled even if that cancel has not arrived here yet.
     */
    String reason(TaskRequest task) {
        String why = tasks.get(task.getTaskId());
        if (why == null) {
            why = sessions.get(task.getSessionId());
        }
        if (why == null && task.getSessionCancelled()) {
            why = SUBMITTED_AFTER_CANCEL;
        }
        return why;
    }

    /** Changes whenever a cancel is added: the loop looks for cancelled waiting tasks then. */
    long generation() {
        return generation.get();
    }

    /** A signal for a run of {@code task} that starts now; raised at once if the task is cancelled already. */
    RunSignal register(TaskRequest task, boolean interruptible) {
        RunSignal s = new RunSignal(task.getTaskId(), task.getSessionId(), interruptible);
        running.put(task.getTaskId(), s);
        String why = reason(task); // a cancel that came between the start check and now
        if (why != null) {
            s.raise(TaskStatus.CANCELLED, why);
        }
        return s;
    }

    void unregister(RunSignal s) {
        running.remove(s.taskId(), s);
    }

    int size() {
        return tasks.size() + sessions.size();
    }
}
