package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * When a writer node starts its task loop again inside the same process, and how long it waits
 * first. A loop that stopped because its transactions were fenced (its successor ended them
 * while the node was cut off), because a commit's outcome stayed unknown, or on a failure Kafka
 * calls retriable, is started again from its file as a restarted process would be. Each wait
 * doubles from {@link #FIRST_WAIT} (1, 2, 4, 8, 16 s); after {@link #ALLOWED} restarts within
 * {@link #WINDOW} the node stops for good (two nodes given the same id fence each other forever).
 *
 * <p>{@link #next} on the node's loop thread alone; {@link #total} from any thread.
 */
public final class LoopRestarts {

    static final int ALLOWED = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);

    private final LongSupplier nanos;
    private final Deque<Long> recent = new ArrayDeque<>();
    private volatile long total;

    public LoopRestarts() {
        this(System::nanoTime);
    }

    LoopRestarts(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Whether a loop that stopped with {@code failure} is started again (never on a clean stop or a bug). */
    public static boolean restartable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof CommitOutcomeUnknownException || t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts a restart and returns how long to wait before it, or empty when {@link #ALLOWED}
     * restarts happened within the last {@link #WINDOW} already.
     */
    public Optional<Duration> next() {
        long now = nanos.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst() > WINDOW.toNanos()) {
            recent.removeFirst();
        }
        if (recent.size() >= ALLOWED) {
            return Optional.empty();
        }
        Duration wait = FIRST_WAIT.multipliedBy(1L << recent.size());
        recent.addLast(now);
        total = total + 1; // one writer thread
        return Optional.of(wait);
    }

    /** Restarts so far. */
    public long total() {
        return total;
    }

    /** For the message of a node that gives up. */
    public static String givingUp() {
        return ALLOWED + " restarts within " + WINDOW.toMinutes() + " min; giving up (is another node running with this id?)";
    }
}
