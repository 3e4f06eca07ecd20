package io.swmrfacade.reader.internal;

import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.Snapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

final class SnapshotFixtures {

    static final String EX = "/live_survey/MT001/run_001/Ex";

    private SnapshotFixtures() {
    }

    static Snapshot snapshot(long ok, long failed, long exSamples) {
        return new Snapshot(new ReaderId("reader-1"), Path.of("/data/run.h5"), Snapshot.State.FOLLOWING,
                Instant.parse("2025-01-02T12:30:15.123Z"), 1, Path.of("/data/run.1.h5"), ok + failed,
                new Snapshot.TaskCounts(ok, failed, 0, 0, 0, 0, 0), List.of(new Snapshot.Stream(EX, "float32", exSamples)),
                Instant.parse("2025-01-02T12:30:15.100Z"), 24.0, null);
    }
}
