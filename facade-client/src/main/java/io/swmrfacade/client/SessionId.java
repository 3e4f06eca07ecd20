package io.swmrfacade.client;

import io.swmrfacade.client.internal.TimeOrderedIds;
import java.time.Instant;
import java.util.Objects;

/**
 * A session: the tasks of one facade, and of every facade that later resumes it. A UUIDv7, so it
 * carries its creation time: a resumed session finds where its results begin from that alone.
 */
public record SessionId(String value) {

    public SessionId {
        Objects.requireNonNull(value, "value");
        if (!TimeOrderedIds.isValid(value)) {
            throw new IllegalArgumentException("session id '" + value + "' is not a UUIDv7 (as printed by sf submit)");
        }
    }

    public static SessionId next() {
        return new SessionId(TimeOrderedIds.next());
    }

    public Instant createdAt() {
        return TimeOrderedIds.instantOf(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
