package io.swmrfacade.swmr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwmrWriterTest {

    @TempDir
    Path dir;

    private static TaskRow row(String id, long offset, long heapOffset, long heapLength, int stream, long start, long count) {
        return new TaskRow(id, "session-1", offset + 1, "echo", 1, 1, 0, offset, 10, 20, 30, heapOffset, heapLength, stream, start, count);
    }

    @Test
    void rows_and_heap_survive_close_and_reopen() {
        Path file = dir.resolve("t.h5");
        try (SwmrWriter w = SwmrWriter.open(file, "w1", Clock.systemUTC())) {
            for (int i = 0; i < 1000; i++) {
                byte[] out = ("output " + i).getBytes(StandardCharsets.UTF_8);
                long at = w.appendHeap(out);
                w.appendRow(row("task-" + i, i, at, out.length, -1, 0, 0));
                if (i % 100 == 0) {
                    w.flush();
                }
            }
        }
        try (SwmrWriter w = SwmrWriter.open(file, "w1", Clock.systemUTC())) {
            List<TaskRow> rows = new ArrayList<>();
            w.scanRows((loc, r) -> rows.add(r));
            assertThat(rows).hasSize(1000);
            assertThat(rows.get(999).taskId()).isEqualTo("task-999");
            TaskRow r = rows.get(500);
            assertThat(new String(w.readHeap(0, r.outputOffset(), r.outputLength()), StandardCharsets.UTF_8)).isEqualTo("output 500");
            assertThat(w.rowCount()).isEqualTo(1000);
        }
    }

    @Test
    void rows_a_crash_left_unwritten_are_dropped_and_followers_wait_for_them() {
        Path file = dir.resolve("torn.h5");
        try (SwmrWriter w = SwmrWriter.open(file, "w1", Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                w.appendRow(row("task-" + i, i, 0, 0, -1, 0, 0));
            }
            w.flush();
        }
        // What a writer killed inside an append of four rows can leave: the table extended over
        // all four, and only the chunk holding the third of them written.
        long f = io.swmrfacade.swmr.internal.SegmentFile.openForSwmrWrite(new SegmentPaths(file).segment(0));
        long type = io.swmrfacade.swmr.internal.RowCodec.createType();
        try {
            long ds = hdf.hdf5lib.H5.H5Dopen(f, FileLayout.TASKS, hdf.hdf5lib.HDF5Constants.H5P_DEFAULT);
            hdf.hdf5lib.H5.H5Dset_extent(ds, new long[] {7});
            ByteBuffer late = ByteBuffer.allocate(io.swmrfacade.swmr.internal.RowCodec.ROW_SIZE);
            io.swmrfacade.swmr.internal.RowCodec.encode(row("task-late", 5, 0, 0, -1, 0, 0), late);
            io.swmrfacade.swmr.internal.H5Ops.writeAt(ds, type, 5, 1, late.array());
            hdf.hdf5lib.H5.H5Dclose(ds);
        } finally {
            hdf.hdf5lib.H5.H5Tclose(type);
            hdf.hdf5lib.H5.H5Fclose(f);
        }
        try (SwmrFollower follower = SwmrFollower.tryOpen(file)) {
            assertThat(follower.poll().newRows()).as("a follower stops at the first unwritten row")
                    .extracting(r -> r.row().taskId()).containsExactly("task-0", "task-1", "task-2");
        }
        try (SwmrWriter w = SwmrWriter.open(file, "w1", Clock.systemUTC())) {
            List<TaskRow> rows = new ArrayList<>();
            w.scanRows((loc, r) -> rows.add(r));
            assertThat(rows).extracting(TaskRow::taskId).containsExactly("task-0", "task-1", "task-2", "task-late");
            assertThat(w.rowCount()).isEqualTo(4);
            w.appendRow(row("task-next", 6, 0, 0, -1, 0, 0));
            w.flush();
        }
        try (SwmrFollower follower = SwmrFollower.tryOpen(file)) {
            assertThat(follower.poll().newRows()).extracting(r -> r.row().taskId())
                    .containsExactly("task-0", "task-1", "task-2", "task-late", "task-next");
        }
    }

    @Test
    void a_follower_stays_on_its_segment_while_the_next_one_cannot_be_opened_yet() throws Exception {
        Path file = dir.resolve("next.h5");
        try (SwmrWriter w = SwmrWriter.open(file, "w1", Clock.systemUTC())) {
            w.appendRow(row("task-0", 0, 0, 0, -1, 0, 0));
            w.appendRow(row("task-1", 1, 0, 0, -1, 0, 0));
            w.flush();
        }
        // A segment that exists but does not open yet, as a just-made one can ("truncated").
        Files.write(new SegmentPaths(file).segment(1), new byte[] {1, 2, 3});
        try (SwmrFollower follower = SwmrFollower.tryOpen(file)) {
            SwmrFollower.Update u = follower.poll();
            assertThat(u.newRows()).extracting(r -> r.row().taskId()).containsExactly("task-0", "task-1");
            assertThat(u.segment()).isZero();
            assertThat(follower.poll().newRows()).isEmpty();
        }
    }

    @Test
    void a_new_stream_rolls_over_to_a_new_segment_that_followers_reach() {
        Path file = dir.resolve("roll.h5");
        StreamSpec ex = new StreamSpec("/live_survey/MT001/run_001/Ex", SampleType.FLOAT32, "mV/km", 256, 0);
        StreamSpec ey = new StreamSpec("/live_survey/MT001/run_001/Ey", SampleType.FLOAT64, "mV/km", 256, 0);
        try (SwmrWriter w = SwmrWriter.open(file, "w1", Clock.systemUTC())) {
            w.appendRow(row("before", 0, 0, 0, -1, 0, 0));
            w.ensureStream(ex);
            long start = w.appendSamples(ex.path(), floats(1, 2, 3));
            w.appendRow(row("ex", 1, 0, 0, w.streamIndex(ex.path()), start, 3));
            w.ensureStream(ey);
            w.ensureStream(ex); // already there: no rollover
            w.appendRow(row("ey", 2, 0, 0, w.streamIndex(ey.path()), 0, 0));
            assertThat(w.segment()).isEqualTo(2);
        }
        assertThat(Files.exists(dir.resolve("roll.1.h5"))).isTrue();
        assertThat(Files.exists(dir.resolve("roll.2.h5"))).isTrue();
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            SwmrFollower.Update u = f.poll();
            assertThat(u.newRows()).extracting(r -> r.row().taskId()).containsExactly("before", "ex", "ey");
            assertThat(u.segment()).isEqualTo(2);
            assertThat(u.streams().get(ex.path()).samples()).isEqualTo(3);
            assertThat(u.streams().get(ey.path()).type()).isEqualTo(SampleType.FLOAT64);
        }
    }

    @Test
    void a_second_writer_is_refused_while_the_first_holds_the_file() {
        Path file = dir.resolve("locked.h5");
        try (SwmrWriter w = SwmrWriter.open(file, "w1", Clock.systemUTC())) {
            assertThatThrownBy(() -> SwmrWriter.open(file, "w2", Clock.systemUTC()))
                    .isInstanceOf(SwmrFileException.class).hasMessageContaining("another writer");
        }
    }

    @Test
    void a_foreign_file_is_refused_not_overwritten() throws Exception {
        Path file = dir.resolve("foreign.h5");
        Files.writeString(file, "this is not HDF5");
        assertThatThrownBy(() -> SwmrWriter.open(file, "w1", Clock.systemUTC())).isInstanceOf(SwmrFileException.class)
                .hasMessageContaining(file.toString());
        assertThat(Files.readString(file)).isEqualTo("this is not HDF5");
    }

    @Test
    void a_foreign_hdf5_file_is_refused_not_touched() throws Exception {
        Path file = dir.resolve("theirs.h5");
        Hdf5Library.load();
        long f = hdf.hdf5lib.H5.H5Fcreate(file.toString(), hdf.hdf5lib.HDF5Constants.H5F_ACC_TRUNC,
                hdf.hdf5lib.HDF5Constants.H5P_DEFAULT, hdf.hdf5lib.HDF5Constants.H5P_DEFAULT);
        hdf.hdf5lib.H5.H5Fclose(f);
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> SwmrWriter.open(file, "w1", Clock.systemUTC())).isInstanceOf(SwmrFileException.class)
                .hasMessageContaining("not a swmr-facade file");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void bad_stream_paths_are_named_in_the_error() {
        assertThatThrownBy(() -> StreamSpec.validatePath("relative/x")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> StreamSpec.validatePath("/a//b")).hasMessageContaining("invalid component");
        assertThatThrownBy(() -> StreamSpec.validatePath("/sf/tasks")).hasMessageContaining("reserves");
        assertThatThrownBy(() -> StreamSpec.validatePath("/a/../b")).hasMessageContaining("invalid component");
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
