package io.swmrfacade.reader.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The writer's state as the reader can tell it from the file: whether a live writer holds the
 * file's lock, and whether it is stalled (holds the lock but nothing was flushed for the stall
 * time).
 *
 * <p>The lock is judged from {@code <file>.lock}, which a writer fills with {@code pid N token T} when it
 * takes the OS lock: the holder is the process {@code N}, if alive on this host. Trying the lock
 * instead would, for an instant, keep a starting writer out. Thread-safe.
 */
final class WriterWatch {

    private final Path lockFile;
    private final Duration stallAfter;

    WriterWatch(Path base, Duration stallAfter) {
        this.lockFile = base.resolveSibling(base.getFileName() + ".lock");
        this.stallAfter = stallAfter;
    }

    Duration stallAfter() {
        return stallAfter;
    }

    /** The pid in the lock file if that process is alive, else -1. */
    long lockHolder() {
        String text;
        try {
            text = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return -1;
        }
        if (!text.startsWith("pid ")) {
            return -1;
        }
        try {
            // "pid N token T": the token is the writer's own check that it locked this very file.
            long pid = Long.parseLong(text.substring(4).trim().split("\\s+", 2)[0]);
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The stalled rule: a writer holds the lock and nothing has been flushed (no change seen) for
     * at least {@code stallAfter}. Before the first change nothing can be stalled.
     */
    static boolean stalled(boolean lockHeld, Instant lastChange, Instant now, Duration stallAfter) {
        return lockHeld && lastChange != null && Duration.between(lastChange, now).compareTo(stallAfter) >= 0;
    }
}
