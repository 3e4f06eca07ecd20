"""The session's results in arrival order, for ``TaskFacade.results()``."""

import threading
import time
from typing import Iterator, List, Optional

from .model import TaskResult


class ResultLog:
    """An append-only list with a condition: each iterator has its own cursor into it, so a slow
    consumer costs no buffer beyond the results the ledger keeps anyway, and nothing is dropped.
    ``append`` (the result thread) never waits for an iterator. Thread-safe."""

    def __init__(self):
        self._items: List[TaskResult] = []
        self._closed = False
        self._changed = threading.Condition()

    def append(self, result: TaskResult) -> None:
        with self._changed:
            self._items.append(result)
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def iterate(self, timeout: Optional[float]) -> Iterator[TaskResult]:
        deadline = None if timeout is None else time.monotonic() + timeout
        at = 0
        while True:
            with self._changed:
                while at >= len(self._items) and not self._closed:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return
                    self._changed.wait(0.5 if left is None else min(left, 0.5))
                if at >= len(self._items):
                    return
                item = self._items[at]
            at += 1
            yield item
