package io.swmrfacade.client;

import io.swmrfacade.client.internal.TimeOrderedIds;
import java.util.Objects;

/**
 * A task's id: a UUIDv7 made on the client, so ids sort in submission order and never need a
 * round trip to be assigned.
 */
public record TaskId(String value) implements Comparable<TaskId> {

    public TaskId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > 36) {
            throw new IllegalArgumentException("task id must have 1 to 36 characters: '" + value + "'");
        }
    }

    /** A new id, later than every id this process made before. Thread-safe. */
    public static TaskId next() {
        return new TaskId(TimeOrderedIds.next());
    }

    @Override
    public int compareTo(TaskId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
