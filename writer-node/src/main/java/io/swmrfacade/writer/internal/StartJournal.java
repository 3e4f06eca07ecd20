package io.swmrfacade.writer.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * The starts of tasks this node began and has not answered yet, kept in a file beside its HDF5
 * file ({@code run.h5.starts}) and written before the tasks run. A first start is counted here
 * and its attempts record is sent to Kafka without waiting for the broker ({@link Attempts}), so
 * a node killed before that record arrived still counts the start when it restarts on its file.
 *
 * <p>Lines are {@code + task-id partition starts} (a start) and {@code - task-id} (answered; written
 * once its result is committed, one write per commit). A write is one {@code write(2)}, not synced: it outlives the
 * process ({@code kill -9}), not the host; a host lost for good leaves only the Kafka records,
 * which may lack that host's last start of a task. When the file passes {@link #ROTATE_BYTES} it
 * is rewritten with the open starts alone (a new file renamed over the old one). A line cut short
 * by a crash is skipped on reading.
 *
 * <p>A journal that cannot be opened or written says so once and then declines ({@link #started}
 * returns false): the caller waits for Kafka's acknowledgement instead, as before.
 *
 * <p>Loop thread only; not thread-safe.
 */
final class StartJournal implements AutoCloseable {

    static final long ROTATE_BYTES = 1 << 20;

    private record Open(int partition, int starts) {
    }

    private final Path path;
    private final Logger log;
    private final Map<String, Open> open = new HashMap<>();
    /** The lines of one write, encoded in place: one buffer for the journal's life, no String per line. */
    private final Line line = new Line();
    private FileChannel out;
    private long size;

    private StartJournal(Path path, Logger log) {
        this.path = path;
        this.log = log;
    }

    /** A journal that records nothing: every start waits for Kafka (tests, and a journal that failed). */
    static StartJournal none() {
        return new StartJournal(null, null);
    }

    /** Reads {@code path} (if it exists) and opens it for appending; a failure leaves a journal that declines. */
    static StartJournal open(Path path, LogContext logs) {
        StartJournal j = new StartJournal(path, logs.logger(StartJournal.class));
        try {
            j.read();
            j.out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            j.size = j.out.size();
            if (j.size > 0 && !j.endsWithNewline()) {
                j.write(j.line.clear().newline()); // a line cut short by a crash: what follows starts on a line of its own
            }
            if (!j.open.isEmpty()) {
                j.log.info("{} holds {} started tasks not answered yet", path, j.open.size());
            }
        } catch (IOException | RuntimeException e) {
            j.disable("cannot open " + path + ": " + e);
        }
        return j;
    }

    private void read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            try {
                if (f.length == 4 && f[0].equals("+")) {
                    open.put(f[1], new Open(Integer.parseInt(f[2]), Integer.parseInt(f[3])));
                } else if (f.length == 2 && f[0].equals("-")) {
                    open.remove(f[1]);
                }
            } catch (NumberFormatException e) {
                // a line cut short by a crash: skip it
            }
        }
    }

    private boolean endsWithNewline() throws IOException {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            in.read(last, size - 1);
            return last.get(0) == '\n';
        }
    }

    /** Starts of {@code taskId} this journal holds (0 if none). */
    int starts(String taskId) {
        Open o = open.get(taskId);
        return o == null ? 0 : o.starts;
    }

    /**
     * Writes one more start of each task (its {@code priorStarts + 1}) before it runs. Returns
     * false, having written nothing it counts on, if this journal cannot write.
     */
    boolean started(List<Inflight> tasks) {
        if (out == null) {
            return false;
        }
        line.clear();
        for (Inflight t : tasks) {
            line.start(t.id(), t.tp().partition(), t.priorStarts() + 1);
        }
        if (!write(line)) {
            return false;
        }
        for (Inflight t : tasks) {
            open.put(t.id(), new Open(t.tp().partition(), t.priorStarts() + 1));
        }
        if (size > ROTATE_BYTES) {
            rotate();
        }
        return true;
    }

    /** The tasks are answered (their results committed): their counts are over. One write for all. */
    void ended(Collection<String> taskIds) {
        line.clear();
        for (String id : taskIds) {
            if (open.remove(id) != null) {
                line.end(id);
            }
        }
        if (out != null && line.length() > 0) {
            write(line);
        }
    }

    /** Sets {@code t}'s count back to its starts before this one (a clean shutdown interrupted it: not a crash). */
    void takenBack(Inflight t) {
        if (t.priorStarts() == 0) {
            ended(List.of(t.id()));
        } else if (out != null && open.containsKey(t.id())) {
            line.clear().start(t.id(), t.tp().partition(), t.priorStarts());
            if (write(line)) {
                open.put(t.id(), new Open(t.tp().partition(), t.priorStarts()));
            }
        }
    }

    /** Drops the starts of task partitions this node no longer owns: their next owner counts from Kafka. */
    void forget(Collection<TopicPartition> taskPartitions) {
        Set<Integer> gone = new HashSet<>();
        taskPartitions.forEach(tp -> gone.add(tp.partition()));
        open.values().removeIf(o -> gone.contains(o.partition));
    }

    /** Open starts held (for tests and the log). */
    int size() {
        return open.size();
    }

    private boolean write(Line text) {
        try {
            ByteBuffer buf = text.buffer();
            while (buf.hasRemaining()) {
                size += out.write(buf);
            }
            return true;
        } catch (IOException e) {
            disable("cannot write " + path + ": " + e);
            return false;
        }
    }

    /** Rewrites the file with the open starts alone, under a temporary name renamed over it. */
    private void rotate() {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        StringBuilder b = new StringBuilder();
        open.forEach((id, o) -> b.append("+ ").append(id).append(' ').append(o.partition).append(' ').append(o.starts).append('\n'));
        try {
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.close();
            out = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            size = out.size();
        } catch (IOException e) {
            disable("cannot rewrite " + path + ": " + e);
        }
    }

    private void disable(String why) {
        if (log != null) {
            log.warn("{}; tasks now wait for their attempt records to be acknowledged before they run", why);
        }
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // already failing
        }
        out = null;
    }

    @Override
    public void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            log.warn("closing {}: {}", path, e.toString());
        }
        out = null;
    }

    /**
     * UTF-8 text built up for one write, in one buffer kept for the journal's life. Replaced
     * building a StringBuilder, a String and its bytes for every write, which showed in the loop
     * thread's profile (session 6).
     */
    static final class Line {
        private byte[] bytes = new byte[1024];
        private int length;

        Line clear() {
            length = 0;
            return this;
        }

        int length() {
            return length;
        }

        /** {@code + id partition starts}, a start. */
        Line start(String taskId, int partition, int starts) {
            room(2);
            bytes[length++] = '+';
            bytes[length++] = ' ';
            return text(taskId).space().number(partition).space().number(starts).newline();
        }

        /** {@code - id}, an answered task. */
        Line end(String taskId) {
            room(2);
            bytes[length++] = '-';
            bytes[length++] = ' ';
            return text(taskId).newline();
        }

        Line newline() {
            room(1);
            bytes[length++] = '\n';
            return this;
        }

        private Line space() {
            room(1);
            bytes[length++] = ' ';
            return this;
        }

        private Line text(String s) {
            // String.getBytes copies ASCII text at once (an intrinsic); a loop over its chars was slower.
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            room(utf8.length);
            System.arraycopy(utf8, 0, bytes, length, utf8.length);
            length += utf8.length;
            return this;
        }

        /** A non-negative number in decimal, straight into the buffer; others through the JDK. */
        private Line number(int n) {
            if (n < 0) {
                return text(Integer.toString(n));
            }
            int digits = 1;
            for (int v = n; v >= 10; v /= 10) {
                digits++;
            }
            room(digits);
            for (int i = length + digits - 1, v = n; i >= length; i--, v /= 10) {
                bytes[i] = (byte) ('0' + v % 10);
            }
            length += digits;
            return this;
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes, 0, length);
        }

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
