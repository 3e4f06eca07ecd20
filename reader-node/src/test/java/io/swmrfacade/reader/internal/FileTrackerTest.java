package io.swmrfacade.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.Snapshot;
import io.swmrfacade.swmr.SwmrFollower;
import io.swmrfacade.swmr.TaskRow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileTrackerTest {

    private static final Path FILE = Path.of("mt.h5");
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static SwmrFollower.Row row(long index, int status) {
        TaskRow r = new TaskRow("t-" + index, "s", index + 1, "echo", status, 1, 0, index, 0, 0, 0, 0, 0, -1, 0, 0);
        return new SwmrFollower.Row(0, index, r);
    }

    private static Snapshot.TaskCounts counts(int... statuses) {
        FileTracker tracker = new FileTracker();
        List<SwmrFollower.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            rows.add(row(i, statuses[i]));
        }
        tracker.apply(new SwmrFollower.Update(0, FILE, rows, rows.size(), Map.of()), NOW);
        return tracker.snapshot(new ReaderId("r"), FILE, Snapshot.State.FOLLOWING, NOW, null).tasks();
    }

    @Test
    void cancelled_rows_count_as_cancelled_not_as_other() {
        Snapshot.TaskCounts c = counts(TaskStatus.CANCELLED_VALUE, TaskStatus.CANCELLED_VALUE, TaskStatus.OK_VALUE);
        assertThat(c.cancelled()).isEqualTo(2);
        assertThat(c.other()).isZero();
        assertThat(c.ok()).isEqualTo(1);
        assertThat(c.notOk()).isEqualTo(2);
    }

    @Test
    void every_status_has_its_count_and_unknown_numbers_are_other() {
        Snapshot.TaskCounts c = counts(TaskStatus.OK_VALUE, TaskStatus.FAILED_VALUE, TaskStatus.REJECTED_VALUE,
                TaskStatus.WORKER_CRASHED_VALUE, TaskStatus.EXPIRED_VALUE, TaskStatus.CANCELLED_VALUE, 0, 42);
        assertThat(c).isEqualTo(new Snapshot.TaskCounts(1, 1, 1, 1, 1, 1, 2));
        assertThat(c.total()).isEqualTo(8);
    }
}
