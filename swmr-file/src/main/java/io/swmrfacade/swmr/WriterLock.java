package io.swmrfacade.swmr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps a second writer off a file: an OS lock on {@code <file>.lock}, which the kernel releases
 * when the holder dies, even by {@code kill -9}, so a crash never leaves a stale lock behind (only
 * an unlocked file, which the next writer takes over).
 *
 * <p>{@link #close()} deletes {@code <file>.lock} while still holding the lock, so a writer that
 * stops, or refuses the file, leaves nothing behind. That opens one race, closed here: a writer
 * that opened the lock file just before it was deleted may lock the deleted file. So a writer, once
 * it holds a lock, writes a token of its own into the file it locked and reads it back through the
 * path: if the path no longer leads to that file, it lets go and starts over.
 */
public final class WriterLock implements AutoCloseable {

    /** Starting over more often than this means something keeps replacing the lock file. */
    private static final int MAX_ATTEMPTS = 20;

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code <base>.lock} for this process, creating it if needed.
     *
     * @throws SwmrFileException if another live process holds it, or it cannot be created or locked
     */
    public static WriterLock acquire(Path base) {
        Path path = base.resolveSibling(base.getFileName() + ".lock");
        for (int attempt = 1; ; attempt++) {
            WriterLock held = tryOnce(base, path);
            if (held != null) {
                return held;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new SwmrFileException("cannot lock the file for writing: " + path + " was replaced "
                        + MAX_ATTEMPTS + " times while locking it", base);
            }
        }
    }

    /** The lock, or null if the file locked turned out to be deleted meanwhile. */
    private static WriterLock tryOnce(Path base, Path path) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).replaceFirst(" token .*", "").trim();
                throw new SwmrFileException("another writer holds the file (" + (holder.isEmpty() ? "unknown" : holder) + ")", base);
            }
            byte[] token = ("pid " + ProcessHandle.current().pid() + " token " + Long.toHexString(ThreadLocalRandom.current().nextLong()))
                    .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(token), 0);
            if (!Arrays.equals(readOrEmpty(path), token)) {
                lock.release();
                channel.close();
                return null;
            }
            return new WriterLock(path, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SwmrFileException("cannot lock the file for writing", base, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static byte[] readOrEmpty(Path path) throws IOException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException deleted) {
            return new byte[0];
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was locked through it
            }
        }
    }

    /** Deletes the lock file, then lets go of the lock. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Left behind, it is only a file nobody locks: the next writer takes it over.
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The kernel drops the lock with the channel anyway; nothing is left to undo.
        }
    }
}
