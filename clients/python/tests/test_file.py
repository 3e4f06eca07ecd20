"""swmrfacade.file reads the layout of docs/PROTOCOL.md §10 by its rules, on files h5py writes in
SWMR mode here (the Java writer's own files are read in system-tests' PythonClientIT)."""

import os
import tempfile
import unittest

import h5py
import numpy as np

from swmrfacade import TaskStatus
from swmrfacade.file import FileError, SwmrFile, segment_path

ROW = np.dtype([("task_id", "S36"), ("session_id", "S36"), ("sequence", "<i8"), ("type", "S32"), ("status", "i1"),
                ("attempts", "<i4"), ("kafka_partition", "<i4"), ("kafka_offset", "<i8"), ("submitted_us", "<i8"),
                ("started_us", "<i8"), ("finished_us", "<i8"), ("output_offset", "<i8"), ("output_length", "<i8"),
                ("stream_index", "<i4"), ("stream_start", "<i8"), ("stream_count", "<i8")])
STREAM = np.dtype([("path", "S256"), ("dtype", "S8"), ("units", "S32"), ("sample_rate_hz", "<f8"),
                   ("start_time_us", "<i8")])


class Segment:
    """A segment written the way docs/PROTOCOL.md says a writer node writes one."""

    def __init__(self, path, index, streams=()):
        self.f = h5py.File(path, "w", libver="latest")
        self.f.attrs["sf_format"] = "swmr-facade/1"
        self.f.attrs["sf_segment"] = index
        self.tasks = self.f.create_dataset("sf/tasks", (0,), ROW, maxshape=(None,), chunks=(64,))
        self.heap = self.f.create_dataset("sf/heap", (0,), "u1", maxshape=(None,), chunks=(1024,))
        self.f.create_dataset("sf/streams", data=np.array([(p.encode(), b"float32", b"mV", 256.0, 0) for p in streams],
                                                          STREAM))
        self.data = {p: self.f.create_dataset(p, (0,), "<f4", maxshape=(None,), chunks=(1024,)) for p in streams}
        self.streams = list(streams)
        self.f.swmr_mode = True

    def append(self, task_id, output, status=1, stream=None, samples=()):
        off = self.heap.shape[0]
        self.heap.resize((off + len(output),))
        self.heap[off:] = np.frombuffer(output, "u1")
        start = 0
        if stream is not None:
            ds = self.data[stream]
            start = ds.shape[0]
            ds.resize((start + len(samples),))
            ds[start:] = samples
            ds.flush()
        self.heap.flush()
        n = self.tasks.shape[0]
        self.tasks.resize((n + 1,))
        self.tasks[n] = (task_id.encode(), b"s" * 36, n + 1, b"echo", status, 1, 0, n, 1, 2, 3, off, len(output),
                         self.streams.index(stream) if stream else -1, start, len(samples))
        self.tasks.flush()

    def close(self):
        self.f.close()


class FileReading(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.base = os.path.join(self.dir.name, "run.h5")

    def tearDown(self):
        self.dir.cleanup()

    def test_rows_come_with_outputs_from_the_heap_and_live_as_they_are_flushed(self):
        w = Segment(self.base, 0)
        w.append("t1", b"hello")
        with SwmrFile(self.base, open_timeout=5) as f:
            rows = f.poll()
            self.assertEqual([(r.task_id, r.output_text, r.status) for r in rows], [("t1", "hello", TaskStatus.OK)])
            w.append("t2", b"why it failed", status=2)
            rows = f.poll()
            self.assertEqual([(r.task_id, r.output_text, r.status, r.index) for r in rows],
                             [("t2", "why it failed", TaskStatus.FAILED, 1)])
            self.assertEqual(f.poll(), [])
        w.close()

    def test_a_row_with_an_empty_task_id_is_not_written_yet_and_is_read_at_a_later_poll(self):
        w = Segment(self.base, 0)
        w.append("t1", b"a")
        w.tasks.resize((2,))  # the new length reached the file before the row did
        w.tasks.flush()
        with SwmrFile(self.base, open_timeout=5) as f:
            self.assertEqual([r.task_id for r in f.poll()], ["t1"])
            w.tasks[1] = ("t2".encode(), b"s", 2, b"echo", 1, 1, 0, 1, 1, 2, 3, 1, 0, -1, 0, 0)
            w.tasks.flush()
            self.assertEqual([r.task_id for r in f.poll()], ["t2"])
        w.close()

    def test_segments_are_followed_in_order_and_streams_read_across_them(self):
        ex = "/live/Ex"
        w0 = Segment(self.base, 0)
        w0.append("t1", b"no samples")
        w0.close()
        w1 = Segment(segment_path(self.base, 1), 1, [ex])
        w1.append("t2", b"appended", stream=ex, samples=np.arange(0, 100, dtype=np.float32))
        with SwmrFile(self.base, open_timeout=5) as f:
            rows = list(f.follow(timeout=0.2))
            self.assertEqual([(r.task_id, r.segment) for r in rows], [("t1", 0), ("t2", 1)])
            np.testing.assert_array_equal(f.samples(rows[1]), np.arange(100, dtype=np.float32))
            self.assertEqual(rows[1].stream, ex)
            self.assertEqual(len(f.samples(rows[0])), 0)
            w1.close()
            w2 = Segment(segment_path(self.base, 2), 2, [ex])
            w2.append("t3", b"appended", stream=ex, samples=np.arange(100, 150, dtype=np.float32))
            rows = f.poll()
            self.assertEqual([(r.task_id, r.segment, r.stream_start) for r in rows], [("t3", 2, 0)])
            np.testing.assert_array_equal(f.stream(ex), np.arange(150, dtype=np.float32))
            np.testing.assert_array_equal(f.samples(rows[0]), np.arange(100, 150, dtype=np.float32))
            self.assertEqual(f.streams(), {ex: 150})
            w2.close()

    def test_a_file_that_is_not_a_swmr_facade_file_is_refused_naming_it(self):
        with h5py.File(self.base, "w") as f:
            f["x"] = 1
        with self.assertRaisesRegex(FileError, "run.h5 is not a swmr-facade file"):
            SwmrFile(self.base, open_timeout=1)

    def test_a_missing_file_is_waited_for_then_refused_naming_it(self):
        with self.assertRaisesRegex(FileError, "cannot open .*run.h5 within 0.2 s: it does not exist"):
            SwmrFile(self.base, open_timeout=0.2)


if __name__ == "__main__":
    unittest.main()
