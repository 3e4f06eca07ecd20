package io.swmrfacade.reader.internal;

import io.swmrfacade.swmr.SampleType;
import io.swmrfacade.swmr.StreamSpec;
import io.swmrfacade.swmr.SwmrFollower;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the live page needs beyond counts, taken from each poll on the follow thread: per stream
 * the latest window of samples and the samples per second, and the recent rows that did not end
 * OK with their error text. Reads only what is new and at most one window per stream per poll,
 * so its cost per poll is bounded whatever the writer appends.
 *
 * <p>{@link #apply} is called on the follow thread only; {@link #stream}, {@link #streams} and
 * {@link #failures} may be called from any thread.
 */
final class SignalTap {

    /** A stream as the page sees it; rate fields are written by the follow thread and read by HTTP threads. */
    static final class StreamSignal {
        final String path;
        final SampleType type;
        final String units;
        final double sampleRateHz;
        final SampleWindow window;
        private final RateMeter rate = new RateMeter(RATE_WINDOW_MS);
        private volatile double samplesPerSecond;

        StreamSignal(StreamSpec spec, int capacity) {
            this.path = spec.path();
            this.type = spec.type();
            this.units = spec.units();
            this.sampleRateHz = spec.sampleRateHz();
            this.window = new SampleWindow(capacity);
        }

        double samplesPerSecond() {
            return samplesPerSecond;
        }
    }

    private static final long RATE_WINDOW_MS = 1000;
    /** A window never holds more than this many samples, whatever the rate: 8 MB per stream. */
    static final int MAX_WINDOW_SAMPLES = 1 << 20;
    private static final int MAX_MESSAGE_BYTES = 400;
    private static final int FAILURES_KEPT = 50;

    private final double windowSeconds;
    private final int windowSamplesWithoutRate;
    private final Map<String, StreamSignal> streams = new ConcurrentHashMap<>();
    private final FailureLog failures = new FailureLog(FAILURES_KEPT);
    private final ArrayDeque<RatePoint> history = new ArrayDeque<>();
    private long lastHistoryMs = Long.MIN_VALUE;

    /** Rows per second and samples per second by stream at one instant, for the page's rate charts. */
    record RatePoint(long atMs, double rowsPerSecond, Map<String, Double> samplesPerSecond) {
    }

    /** One rate point per second, two minutes of them: a page opened now draws the last two minutes at once. */
    static final long HISTORY_STEP_MS = 1000;
    static final int HISTORY_POINTS = 120;

    SignalTap(double windowSeconds, int windowSamplesWithoutRate) {
        this.windowSeconds = windowSeconds;
        this.windowSamplesWithoutRate = windowSamplesWithoutRate;
    }

    /** How many samples a stream's window holds: {@code windowSeconds} at its rate, or the fixed count without one. */
    static int capacity(double sampleRateHz, double windowSeconds, int withoutRate) {
        if (sampleRateHz <= 0) {
            return withoutRate;
        }
        return (int) Math.max(1, Math.min(MAX_WINDOW_SAMPLES, Math.ceil(sampleRateHz * windowSeconds)));
    }

    void apply(SwmrFollower follower, SwmrFollower.Update update, long nowMs) {
        for (SwmrFollower.StreamState s : update.streams().values()) {
            StreamSignal signal = streams.get(s.path());
            if (signal == null) {
                StreamSpec spec = follower.spec(s.path());
                if (spec == null) {
                    continue;
                }
                signal = new StreamSignal(spec, capacity(spec.sampleRateHz(), windowSeconds, windowSamplesWithoutRate));
                streams.put(s.path(), signal);
            }
            readNew(follower, signal, s.samples());
            signal.rate.record(nowMs, s.samples());
            signal.samplesPerSecond = signal.rate.perSecond(nowMs, s.samples());
        }
        for (SwmrFollower.Row r : update.newRows()) {
            if (r.row().status() != 1) {
                failures.add(failure(follower, update.segment(), r));
            }
        }
    }

    private static void readNew(SwmrFollower follower, StreamSignal signal, long total) {
        long known = signal.window.end();
        if (total <= known) {
            return;
        }
        long inSegment = follower.samplesInSegment(signal.path);
        // Only the newest window's worth, and only from the current segment: older samples would be drawn off-screen.
        long n = Math.min(Math.min(total - known, signal.window.capacity()), inSegment);
        if (n <= 0) {
            return;
        }
        byte[] bytes = follower.readSamples(signal.path, inSegment - n, n);
        signal.window.append(total - n, decode(bytes, signal.type));
    }

    static double[] decode(byte[] bytes, SampleType type) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[bytes.length / type.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case FLOAT32 -> b.getFloat();
                case FLOAT64 -> b.getDouble();
                case INT32 -> b.getInt();
                case INT64 -> b.getLong();
            };
        }
        return out;
    }

    private static FailureLog.Failure failure(SwmrFollower follower, int segment, SwmrFollower.Row r) {
        String message = "";
        long length = Math.min(r.row().outputLength(), MAX_MESSAGE_BYTES);
        // A row drained from a segment the follower has since left points into that segment's heap.
        if (length > 0 && r.segment() == segment) {
            message = new String(follower.readHeap(r.row().outputOffset(), length), StandardCharsets.UTF_8)
                    .replaceAll("\\s*\\R\\s*", " ").trim();
        }
        return new FailureLog.Failure(r.row().taskId(), FailureLog.statusName(r.row().status()), r.row().type(), message,
                r.segment(), r.index(), r.row().finishedUs());
    }

    /** Keeps a rate point if a second has passed since the last; called on the follow thread. */
    void recordRates(long nowMs, double rowsPerSecond) {
        // Compared so that the first call, against MIN_VALUE, cannot overflow into "too soon".
        if (lastHistoryMs != Long.MIN_VALUE && nowMs - lastHistoryMs < HISTORY_STEP_MS) {
            return;
        }
        lastHistoryMs = nowMs;
        Map<String, Double> sps = new LinkedHashMap<>();
        streams.values().forEach(s -> sps.put(s.path, s.samplesPerSecond()));
        synchronized (history) {
            if (history.size() == HISTORY_POINTS) {
                history.removeFirst();
            }
            history.addLast(new RatePoint(nowMs, rowsPerSecond, sps));
        }
    }

    List<RatePoint> rateHistory() {
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }

    StreamSignal stream(String path) {
        return streams.get(path);
    }

    Map<String, StreamSignal> streams() {
        return streams;
    }

    List<FailureLog.Failure> failures() {
        return failures.recent();
    }
}
