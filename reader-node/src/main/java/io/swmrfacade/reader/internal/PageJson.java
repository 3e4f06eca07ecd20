package io.swmrfacade.reader.internal;

import io.swmrfacade.reader.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the live page: {@code /api/status} (the snapshot, plus per-stream rates and window
 * sizes, the writer's state and the recent failures) and {@code /api/window} (one stream's latest
 * window, decimated to the columns the page draws). Built on HTTP threads from values the follow
 * thread publishes; never touches the file. Thread-safe.
 */
final class PageJson {

    /** The widest chart a page may ask for; more columns than pixels would only cost bytes. */
    static final int MAX_COLUMNS = 4096;

    private PageJson() {
    }

    static byte[] status(Snapshot s, SignalTap tap, WriterWatch watch) {
        Map<String, Object> m = StatusJson.toMap(s);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> streams = (List<Map<String, Object>>) m.get("streams");
        for (Map<String, Object> one : streams) {
            SignalTap.StreamSignal signal = tap.stream((String) one.get("path"));
            one.put("samplesPerSecond", signal == null ? 0.0 : round(signal.samplesPerSecond()));
            one.put("sampleRateHz", signal == null ? 0.0 : signal.sampleRateHz);
            one.put("units", signal == null ? "" : signal.units);
            one.put("windowSamples", signal == null ? 0 : signal.window.capacity());
        }
        long holder = watch.lockHolder();
        Map<String, Object> writer = new LinkedHashMap<>();
        writer.put("segment", s.segment());
        writer.put("lastFlush", s.lastChange() == null ? null : s.lastChange().toString());
        writer.put("lastFlushMsAgo", s.lastChange() == null ? null : Duration.between(s.lastChange(), s.at()).toMillis());
        writer.put("lockHeld", holder >= 0);
        writer.put("lockPid", holder >= 0 ? holder : null);
        writer.put("stallMs", watch.stallAfter().toMillis());
        writer.put("stalled", WriterWatch.stalled(holder >= 0, s.lastChange(), s.at(), watch.stallAfter()));
        m.put("writer", writer);
        List<Map<String, Object>> failures = new ArrayList<>();
        for (FailureLog.Failure f : tap.failures()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("taskId", f.taskId());
            one.put("status", f.status());
            one.put("type", f.type());
            one.put("message", f.message());
            one.put("segment", f.segment());
            one.put("row", f.row());
            one.put("finishedUs", f.finishedUs());
            failures.add(one);
        }
        m.put("failures", failures);
        return StatusJson.write(m);
    }

    /** The rate history, oldest first: {@code [{atMs, rowsPerSecond, samplesPerSecond: {path: v}}]}. */
    static byte[] rates(SignalTap tap) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SignalTap.RatePoint p : tap.rateHistory()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("atMs", p.atMs());
            one.put("rowsPerSecond", round(p.rowsPerSecond()));
            Map<String, Double> sps = new LinkedHashMap<>();
            p.samplesPerSecond().forEach((k, v) -> sps.put(k, round(v)));
            one.put("samplesPerSecond", sps);
            out.add(one);
        }
        return StatusJson.write(out);
    }

    /** One stream's window decimated to {@code columns}; the caller has checked both. */
    static byte[] window(SignalTap.StreamSignal signal, int columns) {
        SampleWindow.Slice slice = signal.window.latest(signal.window.capacity());
        Envelope e = Envelope.of(slice.first(), slice.samples(), columns);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", signal.path);
        m.put("dtype", signal.type.wireName());
        m.put("units", signal.units);
        m.put("sampleRateHz", signal.sampleRateHz);
        m.put("first", e.first());
        m.put("count", e.count());
        m.put("columns", e.min().length);
        m.put("min", finiteOrNull(e.min()));
        m.put("max", finiteOrNull(e.max()));
        return StatusJson.write(m);
    }

    /** JSON has no NaN or infinity: such samples travel as null, which the page leaves out of the trace. */
    static List<Double> finiteOrNull(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(Double.isFinite(v) ? v : null);
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
