package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.swmr.SampleType;
import io.swmrfacade.swmr.StreamSpec;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the applied index used to hold every row of the file (and its output) forever. On a
 * real file of many rows it now keeps a bounded window and block summaries, and still finds
 * every task the file holds, old or new, UUIDv7 or not, across a rollover and a restart.
 */
class AppliedIndexTest {

    private static final int WINDOW = 500;
    private static final long T0 = 1_764_000_000_000L; // late 2025, in ms

    @TempDir
    Path dir;

    private final Random random = new Random(11);

    /** A UUIDv7 text id carrying {@code ms}. */
    private String v7(long ms) {
        long msb = (ms << 16) | 0x7000L | (random.nextInt() & 0x0fff);
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** Row {@code n}, finished at T0 + n ms (a millisecond a task). */
    private static TaskRow row(String id, long n) {
        long finishedUs = (T0 + n) * 1000;
        return new TaskRow(id, "s", n, "echo", 1, 1, 0, n, 0, 0, finishedUs, 0, 0, -1, 0, 0);
    }

    private static void append(SwmrWriter w, AppliedIndex index, String id, long n) {
        SwmrWriter.RowLocation at = new SwmrWriter.RowLocation(w.segment(), w.currentFile(), w.rowCount());
        TaskRow row = row(id, n);
        w.appendRow(row);
        index.put(at, id, row.finishedUs() / 1000);
    }

    @Test
    void the_index_stays_bounded_as_the_file_grows_and_still_finds_every_task_it_holds() {
        Path file = dir.resolve("many.h5");
        List<String> ids = new ArrayList<>();
        int rows = 40_000;
        try (SwmrWriter w = SwmrWriter.open(file, "w", Clock.systemUTC())) {
            AppliedIndex index = AppliedIndex.load(w, WINDOW);
            for (int i = 0; i < rows; i++) {
                // Mostly time-ordered UUIDv7 (1 ms apart, some a little out of order), one in 50 a UUIDv4.
                String id = i % 50 == 7 ? UUID.randomUUID().toString() : v7(T0 + i - random.nextInt(20));
                ids.add(id);
                append(w, index, id, i);
                if (i == rows / 2) {
                    w.ensureStream(new StreamSpec("/x", SampleType.FLOAT32, "", 0, 0)); // a rollover: segment 1
                }
                if (i % 1000 == 0) {
                    w.flush();
                }
            }
            assertThat(index.size()).isEqualTo(rows);
            assertThat(index.windowSize()).isEqualTo(WINDOW);
            assertThat(index.blockCount()).isLessThanOrEqualTo(AppliedIndex.MAX_BLOCKS);
            assertThat(index.otherIdCount()).as("fingerprints of the UUIDv4 ids older than the window").isLessThan(rows / 50 + 1);
            checkFinds(index, ids);
        }
        // A restart rebuilds the same bounded index from the file.
        try (SwmrWriter w = SwmrWriter.open(file, "w", Clock.systemUTC())) {
            AppliedIndex index = AppliedIndex.load(w, WINDOW);
            assertThat(index.size()).isEqualTo(rows);
            assertThat(index.windowSize()).isEqualTo(WINDOW);
            assertThat(index.blockCount()).isLessThanOrEqualTo(AppliedIndex.MAX_BLOCKS);
            checkFinds(index, ids);
        }
    }

    private void checkFinds(AppliedIndex index, List<String> ids) {
        List<Integer> sample = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 97) {
            sample.add(i); // old and new, both segments, UUIDv7 and not
        }
        sample.add(ids.size() - 1);
        sample.add(0);
        for (int i : sample) {
            AppliedIndex.Applied a = index.get(ids.get(i));
            assertThat(a).as("row %d, %s", i, ids.get(i)).isNotNull();
            assertThat(a.row().taskId()).isEqualTo(ids.get(i));
            assertThat(a.row().sequence()).as("the row read back is the one stored").isEqualTo(i);
            assertThat(a.location().segment()).isEqualTo(i <= ids.size() / 2 ? 0 : 1);
        }
        // Absent ids: newer than everything (known from memory), in the middle of the stored times, and not UUIDv7.
        long reads = index.blockReads();
        assertThat(index.get(v7(T0 + 10 * ids.size()))).isNull();
        assertThat(index.get("t-1")).isNull();
        assertThat(index.blockReads()).isEqualTo(reads);
        assertThat(index.get(v7(T0 + 1234))).isNull();
        assertThat(index.get(v7(T0 - 5))).isNull();
        assertThat(index.get(UUID.randomUUID().toString())).isNull();
        assertThat(index.get("t-1")).isNull();
    }

    @Test
    void an_id_from_the_far_future_does_not_make_every_new_task_look_old() {
        try (SwmrWriter w = SwmrWriter.open(dir.resolve("future.h5"), "w", Clock.systemUTC())) {
            AppliedIndex index = AppliedIndex.load(w, 10);
            String future = v7(T0 + 365L * 24 * 3600 * 1000); // a client clock a year ahead
            append(w, index, future, 0);
            for (int i = 1; i < 100; i++) {
                append(w, index, v7(T0 + i), i);
            }
            assertThat(index.otherIdCount()).as("the future id is kept by fingerprint, not by its time").isEqualTo(1);
            assertThat(index.get(future).row().sequence()).isEqualTo(0);
            long reads = index.blockReads();
            assertThat(index.get(v7(T0 + 200))).as("a new task is still new").isNull();
            assertThat(index.blockReads()).as("known to be new without reading the file").isEqualTo(reads);
        }
    }

    @Test
    void a_task_still_staged_is_found_and_read_back() {
        try (SwmrWriter w = SwmrWriter.open(dir.resolve("staged.h5"), "w", Clock.systemUTC())) {
            AppliedIndex index = AppliedIndex.load(w, 2);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(i % 2 == 0 ? v7(T0 + i) : "plain-" + i);
                append(w, index, ids.get(i), i); // never flushed here
            }
            for (int i = 0; i < 10; i++) {
                assertThat(index.get(ids.get(i)).row().sequence()).isEqualTo(i);
            }
        }
    }

    @Test
    void only_uuid_version_7_ids_carry_a_time() {
        assertThat(TaskIdTime.millis("0190d7a4-0000-7000-8000-000000000001")).isEqualTo(0x0190d7a40000L);
        assertThat(TaskIdTime.millis(v7(T0))).isEqualTo(T0);
        assertThat(TaskIdTime.millis(UUID.randomUUID().toString())).isEqualTo(-1);
        assertThat(TaskIdTime.millis("0190d7a4-0000-7000-c000-00000000000g")).isEqualTo(-1); // bad variant
        assertThat(TaskIdTime.millis("0190d7a4-0000-7000-8000-00000000000g")).isEqualTo(-1); // not hex
        assertThat(TaskIdTime.millis("t1")).isEqualTo(-1);
    }

    @Test
    void the_long_set_holds_what_was_added_and_nothing_else() {
        LongSet set = new LongSet();
        Random r = new Random(3);
        List<Long> added = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long v = i == 0 ? 0 : r.nextLong();
            set.add(v);
            set.add(v);
            added.add(v);
        }
        assertThat(set.size()).isEqualTo(10_000);
        assertThat(added).allMatch(set::contains);
        assertThat(set.contains(12345L)).isFalse();
    }

    @Test
    void a_window_too_large_for_its_table_is_refused_naming_the_value() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AppliedIndex(null, RecentRows.MAX_CAPACITY + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(RecentRows.MAX_CAPACITY + 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AppliedIndex(null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 0");
    }
}
