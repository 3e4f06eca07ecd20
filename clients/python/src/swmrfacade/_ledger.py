"""The tasks of a session and their results, in task-id (submission) order."""

import threading
import time
from concurrent.futures import Future
from typing import Callable, Dict, List

from .model import CollectResult, TaskResult


class SessionLedger:
    """Each task's future is its one slot: the first result completes it, and a second one (a
    redelivery after a crash) finds it done and is dropped, so the user sees each result once.

    Thread-safe. One lock guards the table; it is held only for dictionary updates, never while
    waiting on the network, so a submitter is never held up by the reader for long.
    """

    def __init__(self, caught_up: bool, on_first_result: Callable[[TaskResult], None]):
        self._tasks: Dict[str, Future] = {}
        self._results: Dict[str, TaskResult] = {}
        self._without_result = 0
        self._duplicates = 0
        self._caught_up = caught_up
        self._on_first_result = on_first_result
        self._changed = threading.Condition()

    def register(self, task_id: str) -> Future:
        """A task submitted, or found in the session's journal; returns its future."""
        with self._changed:
            known = self._tasks.get(task_id)
            if known is not None:
                return known
            fresh = Future()
            fresh.set_running_or_notify_cancel()  # a result, not a cancellable job
            self._tasks[task_id] = fresh
            self._without_result += 1
            return fresh

    def complete(self, result: TaskResult) -> bool:
        """Records a result; returns False, and drops it, if the task already had one. A result for
        a task not registered (its journal entry was lost, or not read yet) registers it."""
        with self._changed:
            if result.id in self._results:
                self._duplicates += 1
                return False
            self._results[result.id] = result
            f = self._tasks.get(result.id)
            if f is None:
                f = Future()
                f.set_running_or_notify_cancel()
                self._tasks[result.id] = f
            else:
                self._without_result -= 1
            self._changed.notify_all()
        # Outside the lock: a future's callbacks are the user's code and may take their time.
        f.set_result(result)
        self._on_first_result(result)
        return True

    def caught_up(self) -> None:
        """The session's journal has been read to its end: every task submitted before is known."""
        with self._changed:
            self._caught_up = True
            self._changed.notify_all()

    def collect(self, timeout: float) -> CollectResult:
        """Waits up to ``timeout`` seconds for every task to have a result; never longer."""
        deadline = time.monotonic() + max(0.0, timeout)
        with self._changed:
            while not (self._caught_up and self._without_result == 0):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(min(left, 0.1))
            ids = sorted(self._tasks)
            done = dict(self._results)
            known = self._caught_up
        results: List[TaskResult] = [done[i] for i in ids if i in done]
        missing: List[str] = [i for i in ids if i not in done]
        return CollectResult(tuple(results), tuple(missing), known)

    def size(self) -> int:
        with self._changed:
            return len(self._tasks)

    def without_result(self) -> int:
        with self._changed:
            return self._without_result

    def duplicates_dropped(self) -> int:
        with self._changed:
            return self._duplicates
