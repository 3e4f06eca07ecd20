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
            checkFinds(index, ids, true);
        }
        // A restart rebuilds the same bounded index from the file.
        try (SwmrWriter w = SwmrWriter.open(file, "w", Clock.systemUTC())) {
            AppliedIndex index = AppliedIndex.load(w, WINDOW);
            assertThat(index.size()).isEqualTo(rows);
            assertThat(index.windowSize()).isEqualTo(WINDOW);
            assertThat(index.blockCount()).isLessThanOrEqualTo(AppliedIndex.MAX_BLOCKS);
            checkFinds(index, ids, true);
        }
    }

    /** Finds stored ids old and new; {@code rolledOver}: the file rolled over to segment 1 at the middle row. */
    private void checkFinds(AppliedIndex index, List<String> ids, boolean rolledOver) {
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
            assertThat(a.location().segment()).isEqualTo(rolledOver && i > ids.size() / 2 ? 1 : 0);
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
    void a_backlog_older_than_the_rows_just_retired_is_known_new_without_reading_the_file() {
        // A deep backlog: ten tasks a millisecond, taken from three partitions unevenly, so the
        // tasks taken now are often older than rows that already left the window.
        try (SwmrWriter w = SwmrWriter.open(dir.resolve("backlog.h5"), "w", Clock.systemUTC())) {
            AppliedIndex index = AppliedIndex.load(w, WINDOW);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                int partition = i % 3;
                long ms = T0 + (i / 3) / 10 + (partition == 0 ? 600 : 0); // partition 0 runs 600 ms ahead
                String id = v7(ms);
                ids.add(id);
                append(w, index, id, i);
                if (i % 1000 == 0) {
                    w.flush();
                }
            }
            long reads = index.blockReads();
            int asked = 0;
            for (int i = 0; i < 5_000; i++) {
                assertThat(index.get(v7(T0 + random.nextInt(1000)))).isNull(); // older than the newest retired row
                asked++;
            }
            assertThat(index.blockReads() - reads).as("block reads for %d new tasks older than retired rows", asked)
                    .isLessThanOrEqualTo(20); // false matches only: about 1 in 2,000
            checkFinds(index, ids, false);
        }
    }

    @Test
    void ids_older_than_every_filter_are_still_found_in_the_file() {
        Path file = dir.resolve("beyond.h5");
        List<String> ids = new ArrayList<>();
        try (SwmrWriter w = SwmrWriter.open(file, "w", Clock.systemUTC())) {
            AppliedIndex index = AppliedIndex.load(w, WINDOW, new RetiredFilters(1_000, 3));
            for (int i = 0; i < 20_000; i++) {
                String id = v7(T0 + i);
                ids.add(id);
                append(w, index, id, i);
                if (i % 1000 == 0) {
                    w.flush();
                }
            }
            checkFinds(index, ids, false); // most rows left the filters; they are found by time in the file
            long reads = index.blockReads();
            assertThat(index.get(v7(T0 + 100))).as("absent, older than every filter").isNull();
            assertThat(index.blockReads()).as("so it is looked for in the file").isGreaterThan(reads);
            reads = index.blockReads();
            assertThat(index.get(v7(T0 + 19_000))).as("absent, within the filters' rows").isNull();
            assertThat(index.blockReads()).isLessThanOrEqualTo(reads + 1);
        }
        try (SwmrWriter w = SwmrWriter.open(file, "w", Clock.systemUTC())) {
            checkFinds(AppliedIndex.load(w, WINDOW, new RetiredFilters(1_000, 3)), ids, false); // rebuilt at a restart
        }
    }

    @Test
    void a_retired_filter_never_misses_an_id_it_holds_and_rarely_matches_another() {
        RetiredFilters filters = new RetiredFilters(65_536, 2);
        Random r = new Random(3);
        long[] held = new long[65_536];
        for (int i = 0; i < held.length; i++) {
            held[i] = r.nextLong();
            filters.add(held[i], T0 + i);
        }
        for (int i = 0; i < held.length; i++) {
            assertThat(filters.mayHold(held[i], T0 + i)).isTrue();
        }
        int wrong = 0;
        for (int i = 0; i < 200_000; i++) {
            wrong += filters.mayHold(r.nextLong(), T0 + r.nextInt(held.length)) ? 1 : 0;
        }
        assertThat(wrong).as("false matches in 200,000 (about 1 in 2,000 expected)").isLessThan(400);
        assertThat(filters.mayHold(r.nextLong(), T0 + held.length)).as("later than every id held").isFalse();
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
