package io.swmrfacade.reader.internal;

import io.swmrfacade.proto.v1.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest task rows that did not end OK (failed, rejected, worker crashed, expired), newest
 * last, at most a fixed number: what the page lists under "recent failures".
 *
 * <p>Thread-safe: the follow thread adds, HTTP threads copy.
 */
final class FailureLog {

    /** One row that did not end OK; {@code message} is its error text from the heap, cut to a page line. */
    record Failure(String taskId, String status, String type, String message, int segment, long row, long finishedUs) {
    }

    private final int capacity;
    private final ArrayDeque<Failure> recent = new ArrayDeque<>();

    FailureLog(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(Failure f) {
        if (recent.size() == capacity) {
            recent.removeFirst();
        }
        recent.addLast(f);
    }

    synchronized List<Failure> recent() {
        return new ArrayList<>(recent);
    }

    /** The name the page shows for a protobuf TaskStatus number: the enum's name, or STATUS_n for a number it lacks. */
    static String statusName(int status) {
        TaskStatus known = TaskStatus.forNumber(status);
        return known == null ? "STATUS_" + status : known.name();
    }
}
