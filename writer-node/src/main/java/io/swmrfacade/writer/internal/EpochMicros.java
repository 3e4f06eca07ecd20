package io.swmrfacade.writer.internal;

import java.time.Clock;
import java.time.Instant;

/** Microseconds since the epoch, the unit of every {@code *_us} field on the wire and in the file. */
final class EpochMicros {

    private EpochMicros() {
    }

    static long now(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
