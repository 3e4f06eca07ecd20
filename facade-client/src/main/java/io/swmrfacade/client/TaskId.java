package io.swmrfacade.client;

import io.swmrfacade.client.internal.TimeOrderedIds;
import java.util.Objects;

/**
 * A task's id: a UUIDv7 made on the client, so ids sort in submission order and never need a
 * round trip to be assigned. Any other text of 1 to 36 characters is an id too (tasks sent by
 * other clients); ids compare as their text does.
 *
 * <p>An id in the canonical lowercase form of a UUID is held as its 128 bits rather than as text:
 * a session keeps the id of every task it submitted until it is closed, and as a string an id
 * took 96 bytes in three objects, as two longs 32 in one (measured with {@code bench/run memory}).
 * Its {@link #value()} is then made on each call.
 */
public final class TaskId implements Comparable<TaskId> {

    /** The id's text when it is not a canonical lowercase UUID, else null. */
    private final String text;
    private final long hi;
    private final long lo;

    /**
     * @throws IllegalArgumentException if {@code value} is empty or longer than 36 characters
     */
    public TaskId(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > 36) {
            throw new IllegalArgumentException("task id must have 1 to 36 characters: '" + value + "'");
        }
        if (TimeOrderedIds.isCanonical(value)) {
            this.text = null;
            this.hi = TimeOrderedIds.high(value);
            this.lo = TimeOrderedIds.low(value);
        } else {
            this.text = value;
            this.hi = 0;
            this.lo = 0;
        }
    }

    private TaskId(long hi, long lo) {
        this.text = null;
        this.hi = hi;
        this.lo = lo;
    }

    /** A new id, later than every id this process made before. Thread-safe. */
    public static TaskId next() {
        return new TaskId(TimeOrderedIds.nextHigh(), TimeOrderedIds.randomLow());
    }

    /** The id's text. */
    public String value() {
        return text != null ? text : TimeOrderedIds.format(hi, lo);
    }

    @Override
    public int compareTo(TaskId o) {
        if (text == null && o.text == null) {
            int c = Long.compareUnsigned(hi, o.hi); // the same order as the text's: lowercase hex, dashes in place
            return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
        }
        return value().compareTo(o.value());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        // A canonical UUID's text is never kept, so an id held as bits never equals one held as text.
        return o instanceof TaskId t && hi == t.hi && lo == t.lo && Objects.equals(text, t.text);
    }

    @Override
    public int hashCode() {
        return text != null ? text.hashCode() : Long.hashCode(hi * 31 + lo);
    }

    @Override
    public String toString() {
        return value();
    }
}
