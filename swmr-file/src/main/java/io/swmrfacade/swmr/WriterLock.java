package io.swmrfacade.swmr;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second writer off a file: an OS lock on {@code <file>.lock}, which the kernel releases
 * when the holder dies, even by {@code kill -9}, so a crash never leaves a stale lock behind.
 */
public final class WriterLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static WriterLock acquire(Path base) {
        Path path = base.resolveSibling(base.getFileName() + ".lock");
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = new String(java.nio.file.Files.readAllBytes(path), StandardCharsets.UTF_8).trim();
                channel.close();
                throw new SwmrFileException("another writer holds the file (" + (holder.isEmpty() ? "unknown" : holder) + ")", base);
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            return new WriterLock(channel, lock);
        } catch (IOException e) {
            throw new SwmrFileException("cannot lock the file for writing", base, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The kernel drops the lock with the channel anyway; nothing is left to undo.
        }
    }
}
