"""The values a facade hands back: task statuses, results, what a collect found, counters, errors."""

import enum
from dataclasses import dataclass, field
from typing import List, Tuple


class FacadeError(Exception):
    """The root of every error this package raises."""


class SubmitRejected(FacadeError):
    """``submit`` refused a task at once: the facade is closed, or its buffer of unconfirmed tasks is full."""


class TaskStatus(enum.Enum):
    """How a task ended. Every submitted task ends in exactly one of these."""

    OK = 1              #: the handler returned; ``output`` is its result
    FAILED = 2          #: the handler threw or timed out; ``error`` says why
    REJECTED = 3        #: it could never run: unknown type, bad payload, bad dataset path
    WORKER_CRASHED = 4  #: workers died on it every time they tried (a poison task)
    EXPIRED = 5         #: its deadline passed before a worker started it, or while it ran and was interrupted
    NOT_SENT = 6        #: the client closed before the broker confirmed it had the task
    CANCELLED = 7       #: it was cancelled before it finished: it never ran, or its handler was interrupted

    @property
    def succeeded(self) -> bool:
        return self is TaskStatus.OK

    @classmethod
    def of_wire(cls, number: int) -> "TaskStatus":
        """The status of a wire number; an unknown one reads as FAILED (docs/PROTOCOL.md, compatibility)."""
        try:
            return cls(number)
        except ValueError:
            return cls.FAILED


@dataclass(frozen=True)
class TaskResult:
    """The one result of a task.

    ``output`` is the handler's output (empty unless OK); ``error`` why the task did not succeed
    (empty if OK); ``file`` is the writer's segment file holding the task's row and ``row`` its
    index in that file's ``/sf/tasks`` (-1 if none, as for NOT_SENT).
    """

    id: str
    sequence: int
    type: str
    status: TaskStatus
    output: bytes = b""
    error: str = ""
    attempts: int = 0
    worker_id: str = ""
    file: str = ""
    row: int = -1
    started_at_us: int = 0
    finished_at_us: int = 0

    @property
    def output_text(self) -> str:
        return self.output.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class CollectResult:
    """What ``collect`` found: one result per task that has one, in submission order, and the ids
    of the tasks still without one when the timeout came.

    ``session_known`` is False while a resumed facade has not yet read its session's journal to
    the end: tasks submitted before the resume may then be neither in ``results`` nor in ``missing``.
    """

    results: Tuple[TaskResult, ...]
    missing: Tuple[str, ...]
    session_known: bool

    @property
    def complete(self) -> bool:
        """True when every task of the session is known and has its result."""
        return self.session_known and not self.missing

    @property
    def all_succeeded(self) -> bool:
        """True when every task has a result and all are OK."""
        return self.complete and all(r.status.succeeded for r in self.results)


@dataclass(frozen=True)
class FacadeStats:
    """Counters of a facade: tasks not yet confirmed by the broker, tasks known, tasks without a
    result, and redelivered results dropped."""

    buffered: int
    tasks: int
    without_result: int
    duplicates_dropped: int
