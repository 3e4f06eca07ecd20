"""Follow a writer node's HDF5 file live, read-only, in SWMR mode (docs/PROTOCOL.md §10).

>>> with SwmrFile("data/run.h5") as f:
...     for row in f.follow(timeout=10):
...         print(row.task_id, row.status, row.output_text, f.samples(row))

A writer node's file is made of segments, ``run.h5``, ``run.1.h5``, ... (a new one when a task
needs a new stream, because HDF5 cannot create objects while SWMR writing is on). ``SwmrFile``
follows them in order. Rows come with their output (or error text) decoded from the byte heap;
stream samples come as numpy arrays. Any number of readers may follow one file, in any processes.
Not thread-safe: one thread owns a ``SwmrFile``.
"""

import os
import time
from typing import Callable, Dict, Iterator, List, NamedTuple, Optional

import h5py
import numpy as np

from .model import FacadeError, TaskStatus

FORMAT = "swmr-facade/1"
_DTYPES = {"float32": np.float32, "float64": np.float64, "int32": np.int32, "int64": np.int64}


class FileError(FacadeError):
    """A file that is missing, not a swmr-facade file, or unreadable; the message names it."""


class Row(NamedTuple):
    """One row of ``/sf/tasks``: what happened to one task. ``output`` is the task's output if
    ``status`` is OK, else its error text (bytes, from ``/sf/heap``); ``stream`` is the path of the
    stream the task appended ``stream_count`` samples to, from ``stream_start``, or None."""

    segment: int
    index: int
    task_id: str
    session_id: str
    sequence: int
    type: str
    status: TaskStatus
    attempts: int
    kafka_partition: int
    kafka_offset: int
    submitted_us: int
    started_us: int
    finished_us: int
    output: bytes
    stream: Optional[str]
    stream_start: int
    stream_count: int

    @property
    def output_text(self) -> str:
        return self.output.decode("utf-8", errors="replace")


def segment_path(base: str, index: int) -> str:
    """Segment ``index`` of the file ``base``: ``run.h5`` for 0, ``run.<index>.h5`` after."""
    if index == 0:
        return base
    head, name = os.path.split(base)
    stem, ext = os.path.splitext(name)
    if not stem:
        stem, ext = name, ""
    return os.path.join(head, f"{stem}.{index}{ext}")


def _text(b) -> str:
    return bytes(b).split(b"\0", 1)[0].decode("ascii", errors="replace")


class _Segment:
    """One open segment: its file, task table, heap and streams."""

    def __init__(self, base: str, index: int):
        self.index = index
        self.path = segment_path(base, index)
        try:
            self.file = h5py.File(self.path, "r", libver="latest", swmr=True)
        except OSError as e:
            raise FileError(f"cannot open {self.path} for SWMR reading: {e}") from e
        try:
            fmt = self.file.attrs.get("sf_format")
            fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
            if fmt != FORMAT:
                raise FileError(f"{self.path} is not a swmr-facade file (attribute sf_format is {fmt!r})")
            if "sf/tasks" not in self.file:
                raise FileError(f"{self.path}: swmr-facade segment without /sf/tasks")
            self.tasks = self.file["sf/tasks"]
            self.heap = self.file["sf/heap"]
            self.streams: List[str] = [_text(s["path"]) for s in self.file["sf/streams"][:]] \
                if "sf/streams" in self.file else []
            self.rows_read = 0
        except BaseException:
            self.file.close()
            raise

    def new_rows(self) -> List[Row]:
        self.tasks.refresh()
        n = self.tasks.shape[0]
        if n <= self.rows_read:
            return []
        table = self.tasks[self.rows_read:n]
        # The writer flushes the heap before the rows, so after this refresh every byte a visible row names is there.
        self.heap.refresh()
        out = []
        for r in table:
            task_id = _text(r["task_id"])
            if not task_id:
                break  # the table's new length reached the file before this row: read it at a later poll
            off, length = int(r["output_offset"]), int(r["output_length"])
            stream_index = int(r["stream_index"])
            out.append(Row(self.index, self.rows_read, task_id, _text(r["session_id"]), int(r["sequence"]),
                           _text(r["type"]), TaskStatus.of_wire(int(r["status"])), int(r["attempts"]),
                           int(r["kafka_partition"]), int(r["kafka_offset"]), int(r["submitted_us"]),
                           int(r["started_us"]), int(r["finished_us"]),
                           self.heap[off:off + length].tobytes() if length else b"",
                           self.streams[stream_index] if 0 <= stream_index < len(self.streams) else None,
                           int(r["stream_start"]), int(r["stream_count"])))
            self.rows_read += 1
        return out

    def samples(self, path: str, start: int = 0, count: Optional[int] = None) -> np.ndarray:
        if path not in self.streams:
            return np.empty(0)
        ds = self.file[path]
        ds.refresh()
        end = ds.shape[0] if count is None else start + count
        return ds[start:end]

    def close(self) -> None:
        self.file.close()


class SwmrFile:
    """A writer node's file, followed read-only from its first segment.

    ``open_timeout``: how long to wait, in seconds, for segment 0 to exist and open (a writer that
    is just starting); past it, ``FileError``.
    """

    def __init__(self, path: str, open_timeout: float = 30.0):
        self._base = os.path.abspath(path)
        deadline = time.monotonic() + open_timeout
        while True:
            try:
                if os.path.exists(self._base):
                    self._segment = _Segment(self._base, 0)
                    break
                problem = "it does not exist"
            except FileError as e:
                if "not a swmr-facade file" in str(e) or time.monotonic() > deadline:
                    raise
                problem = str(e)
            if time.monotonic() > deadline:
                raise FileError(f"cannot open {self._base} within {open_timeout} s: {problem}")
            time.sleep(0.05)
        self._next_failing_since = None

    @property
    def segment(self) -> int:
        """The index of the segment followed now."""
        return self._segment.index

    @property
    def current_path(self) -> str:
        return self._segment.path

    def poll(self) -> List[Row]:
        """Refreshes and returns the rows written since the last poll, moving on to later segments."""
        fresh = self._segment.new_rows()
        while os.path.exists(segment_path(self._base, self._segment.index + 1)):
            # The writer flushed and left this segment before it made the next: drain it, then move on.
            fresh += self._segment.new_rows()
            try:
                nxt = _Segment(self._base, self._segment.index + 1)
                self._next_failing_since = None
            except FileError:
                # Just made, it may not open yet: stay here and try again at the next poll, for a while.
                now = time.monotonic()
                if self._next_failing_since is None:
                    self._next_failing_since = now
                elif now - self._next_failing_since > 30:
                    raise
                break
            self._segment.close()
            self._segment = nxt
            fresh += self._segment.new_rows()
        return fresh

    def follow(self, timeout: Optional[float] = None, poll_interval: float = 0.01,
               stop: Optional[Callable[[], bool]] = None) -> Iterator[Row]:
        """Yields rows as they are flushed, live, until ``timeout`` seconds pass (None: no limit) or
        ``stop()`` returns true (a ``threading.Event().is_set``, say); after ``stop()`` it still yields
        the rows flushed before, so a writer that flushes and then sets the event loses nothing.
        Checks every ``poll_interval`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            rows = self.poll()
            yield from rows
            if stop is not None and stop():
                yield from self.poll()
                return
            if deadline is not None and time.monotonic() >= deadline:
                return
            if not rows:
                time.sleep(poll_interval)

    def samples(self, row: Row) -> np.ndarray:
        """The samples ``row``'s task appended, as a numpy array (empty if it appended none)."""
        if row.stream is None or row.stream_count == 0:
            return np.empty(0)
        if row.segment == self._segment.index:
            return self._segment.samples(row.stream, row.stream_start, row.stream_count)
        seg = _Segment(self._base, row.segment)
        try:
            return seg.samples(row.stream, row.stream_start, row.stream_count)
        finally:
            seg.close()

    def streams(self) -> Dict[str, int]:
        """The streams of the current segment and how many samples each holds across all segments."""
        return {p: len(self.stream(p)) for p in self._segment.streams}

    def stream(self, path: str) -> np.ndarray:
        """Every sample of a stream, from segment 0 to the current one: the stream as appended."""
        parts = []
        for i in range(self._segment.index):
            seg = _Segment(self._base, i)
            try:
                parts.append(seg.samples(path))
            finally:
                seg.close()
        parts.append(self._segment.samples(path))
        parts = [p for p in parts if len(p)]
        return np.concatenate(parts) if parts else np.empty(0)

    def close(self) -> None:
        self._segment.close()

    def __enter__(self) -> "SwmrFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_file(path: str, open_timeout: float = 30.0) -> SwmrFile:
    """Opens ``path`` (segment 0 of a writer node's file) for following; see ``SwmrFile``."""
    return SwmrFile(path, open_timeout)
