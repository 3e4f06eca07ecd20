package io.swmrfacade.reader.internal;

import io.swmrfacade.reader.ReaderException;
import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.Snapshot;
import io.swmrfacade.swmr.SwmrFileException;
import io.swmrfacade.swmr.SwmrFollower;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follow thread's work: wait for the file, open it, poll it every poll interval, keep the
 * {@link Snapshot} current and hand throttled reports to the console and to {@code onReport}.
 *
 * <p>{@link #run()} runs on one thread, which owns the follower (HDF5 handles) and closes it.
 * {@link #snapshot()}, {@link #failure()} and {@link #stop()} may be called from any thread.
 */
public final class FollowLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FollowLoop.class);
    // The HTTP page wants a fresh rate and time even when the file is idle; cheaper than every poll.
    private static final long SNAPSHOT_REFRESH_MS = 100;
    private static final long MIN_WAIT_STEP_MS = 10;

    private final ReaderId id;
    private final Path file;
    private final long pollMs;
    private final Duration openTimeout;
    private final Clock clock;
    private final ConsoleReport console;
    private final Consumer<Snapshot> onReport;
    private final ReportThrottle throttle;
    private final FileTracker tracker = new FileTracker();
    private final SignalTap signals;
    private final PollLag pollLag = new PollLag();

    private volatile Snapshot snapshot;
    private volatile ReaderException failure;
    private volatile boolean stopping;
    /** System.nanoTime() when the file was last looked at; 0 before the first look. */
    private volatile long lastPollNanos;

    /**
     * @param onReport receives each throttled report on the follow thread; must not block
     */
    public FollowLoop(ReaderId id, Path file, Duration poll, Duration report, Duration openTimeout, Clock clock,
                      PrintStream console, Consumer<Snapshot> onReport) {
        this(id, file, poll, report, openTimeout, clock, console, onReport, 10, 4096);
    }

    /**
     * @param onReport        receives each throttled report on the follow thread; must not block
     * @param windowSeconds   how many seconds of each stream the page's window keeps, at the stream's rate
     * @param windowSamples   how many samples the window keeps of a stream without a rate
     */
    public FollowLoop(ReaderId id, Path file, Duration poll, Duration report, Duration openTimeout, Clock clock,
                      PrintStream console, Consumer<Snapshot> onReport, double windowSeconds, int windowSamples) {
        this.signals = new SignalTap(windowSeconds, windowSamples);
        this.id = id;
        this.file = file;
        this.pollMs = poll.toMillis();
        this.openTimeout = openTimeout;
        this.clock = clock;
        this.console = new ConsoleReport(console, id, clock);
        this.onReport = onReport;
        this.throttle = new ReportThrottle(report.toMillis());
        this.snapshot = tracker.snapshot(id, file, Snapshot.State.WAITING, clock.instant(), null);
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The followed file (segment 0). */
    public Path file() {
        return file;
    }

    /** How late polls start; for benchmarks. */
    public PollLag pollLag() {
        return pollLag;
    }

    /** Stream windows, rates and recent failures, for the live page. */
    SignalTap signals() {
        return signals;
    }

    /** {@link System#nanoTime()} when the file was last looked at; 0 before the first look. */
    public long lastPollNanos() {
        return lastPollNanos;
    }

    /** The error the loop stopped on, or null. */
    public ReaderException failure() {
        return failure;
    }

    /** Asks the loop to end; the caller also interrupts the thread to cut a sleep short. */
    public void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        SwmrFollower follower = null;
        try {
            follower = awaitFile();
            if (follower != null) {
                follow(follower);
            }
        } catch (InterruptedException e) {
            // close() interrupted a sleep: fall through to a clean stop.
        } catch (ReaderException e) {
            fail(e);
        } catch (RuntimeException | LinkageError e) {
            fail(new ReaderException(id, file, oneLine(e), e));
        } finally {
            if (follower != null) {
                closeQuietly(follower);
            }
            if (failure == null) {
                snapshot = tracker.snapshot(id, file, Snapshot.State.STOPPED, clock.instant(), null);
                console.stopped(snapshot.at());
            }
        }
    }

    private SwmrFollower awaitFile() throws InterruptedException {
        Instant deadline = clock.instant().plus(openTimeout);
        boolean announced = false;
        while (!stopping) {
            SwmrFollower f = SwmrFollower.tryOpen(file);
            if (f != null) {
                return f;
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                throw new ReaderException(id, file, file + " did not appear within " + openTimeout.toMillis()
                        + " ms (reader.open.timeout.ms)", null);
            }
            if (!announced) {
                console.waiting(now, file.toString(), openTimeout.toMillis());
                announced = true;
            }
            Thread.sleep(Math.max(pollMs, MIN_WAIT_STEP_MS));
        }
        return null;
    }

    private void follow(SwmrFollower follower) throws InterruptedException {
        LOG.info("[{}] following {}", id, file);
        long lastRefresh = Long.MIN_VALUE;
        boolean first = true;
        long lastPollStart = 0;
        while (!stopping) {
            long pollStart = System.nanoTime();
            if (lastPollStart != 0) {
                pollLag.record((pollStart - lastPollStart) / 1000 - pollMs * 1000);
            }
            lastPollStart = pollStart;
            SwmrFollower.Update update = poll(follower);
            lastPollNanos = System.nanoTime();
            Instant now = clock.instant();
            long nowMs = now.toEpochMilli();
            FileTracker.Change change = tracker.apply(update, now);
            tapSignals(follower, update, nowMs);
            if (change != FileTracker.Change.NONE || nowMs - lastRefresh >= SNAPSHOT_REFRESH_MS) {
                snapshot = tracker.snapshot(id, file, Snapshot.State.FOLLOWING, now, null);
                lastRefresh = nowMs;
                signals.recordRates(nowMs, snapshot.rowsPerSecond());
            }
            if (first) {
                console.opened(snapshot);
                first = false;
            } else if (change == FileTracker.Change.SEGMENT) {
                LOG.info("[{}] moved to segment {} ({})", id, tracker.segment(), tracker.segmentFile());
                console.movedTo(snapshot);
            }
            if (throttle.due(nowMs, change != FileTracker.Change.NONE)) {
                // A change held back by the throttle is reported now, stamped now.
                snapshot = tracker.snapshot(id, file, Snapshot.State.FOLLOWING, now, null);
                lastRefresh = nowMs;
                console.changed(snapshot);
                onReport.accept(snapshot);
            }
            Thread.sleep(pollMs);
        }
    }

    private void tapSignals(SwmrFollower follower, SwmrFollower.Update update, long nowMs) {
        try {
            signals.apply(follower, update, nowMs);
        } catch (RuntimeException e) {
            throw new ReaderException(id, file, "cannot read samples or error texts of " + follower.currentFile() + ": "
                    + oneLine(e), e);
        }
    }

    private SwmrFollower.Update poll(SwmrFollower follower) {
        try {
            return follower.poll();
        } catch (SwmrFileException e) {
            throw new ReaderException(id, file, oneLine(e), e);
        } catch (RuntimeException e) {
            // HDF5's own messages name neither the file nor the segment.
            throw new ReaderException(id, file, "cannot read " + follower.currentFile() + ": " + oneLine(e), e);
        }
    }

    private void fail(ReaderException e) {
        failure = e;
        Instant now = clock.instant();
        snapshot = tracker.snapshot(id, file, Snapshot.State.FAILED, now, e.reason());
        LOG.error("{}", e.getMessage());
        console.failed(now, e.reason());
    }

    private void closeQuietly(SwmrFollower follower) {
        try {
            follower.close();
        } catch (RuntimeException e) {
            LOG.warn("[{}] closing {}: {}", id, file, oneLine(e));
        }
    }

    /** HDF5 messages may span lines; a console report must not. */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
