package io.swmrfacade.reader.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swmrfacade.reader.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code GET /api/status}. Built by hand rather than by binding the record, so the
 * wire names stay stable when the record grows and paths are plain strings (Jackson would write
 * a {@link java.nio.file.Path} as a {@code file://} URI).
 *
 * <p>Thread-safe.
 */
final class StatusJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {
    }

    static byte[] toJson(Snapshot s) {
        return write(toMap(s));
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write status JSON", e);
        }
    }

    /** The snapshot as an ordered map, for callers that add fields before writing it. */
    static Map<String, Object> toMap(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("readerId", s.readerId().value());
        m.put("file", s.file().toString());
        m.put("state", s.state().name());
        m.put("atMs", s.at().toEpochMilli());
        m.put("at", s.at().toString());
        m.put("segment", s.segment());
        m.put("segmentFile", s.segmentFile() == null ? null : s.segmentFile().toString());
        m.put("totalRows", s.totalRows());
        Snapshot.TaskCounts t = s.tasks();
        Map<String, Long> tasks = new LinkedHashMap<>();
        tasks.put("ok", t.ok());
        tasks.put("failed", t.failed());
        tasks.put("rejected", t.rejected());
        tasks.put("workerCrashed", t.workerCrashed());
        tasks.put("expired", t.expired());
        tasks.put("cancelled", t.cancelled());
        tasks.put("other", t.other());
        m.put("tasks", tasks);
        List<Map<String, Object>> streams = new ArrayList<>();
        for (Snapshot.Stream st : s.streams()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("path", st.path());
            one.put("dtype", st.dtype());
            one.put("samples", st.samples());
            streams.add(one);
        }
        m.put("streams", streams);
        m.put("lastChange", s.lastChange() == null ? null : s.lastChange().toString());
        m.put("rowsPerSecond", Math.round(s.rowsPerSecond() * 10) / 10.0);
        m.put("error", s.error());
        return m;
    }
}
