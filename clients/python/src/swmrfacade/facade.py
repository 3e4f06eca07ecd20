"""TaskFacade: submit tasks without ever blocking, collect exactly one result per task."""

import datetime
import getpass
import logging
import re
import threading
import time
from concurrent.futures import Future
from typing import Iterator, List, Mapping, Optional, Tuple

from confluent_kafka import Consumer, Producer

from . import ids
from ._ledger import SessionLedger
from ._results_log import ResultLog
from ._reader import ResultReader
from ._sender import Pending, Sender
from .model import CollectResult, FacadeError, FacadeStats, SubmitRejected, TaskResult, TaskStatus
from .v1 import swmrfacade_pb2 as pb

LOG = logging.getLogger("swmrfacade")
_TYPE = re.compile(r"[a-z0-9_.-]{1,32}\Z")
# The one task size limit every client and writer shares (docs/PROTOCOL.md §7, Java's TaskLimits).
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024
MAX_ROUTING_KEY_CHARS = 1024
MAX_RECORD_BYTES = MAX_PAYLOAD_BYTES + 64 * 1024
# librdkafka's name for the Java client's partitioner of keyed records: murmur2 (docs/PROTOCOL.md §3).
PARTITIONER = "murmur2_random"
_OPTIONS = ("deadline", "max_attempts", "priority", "routing_key", "retries", "retry_backoff")


class TaskFacade:
    """The facade of seed 001, made durable: submit tasks without ever blocking, collect exactly
    one result per task, matched by id, even across worker, broker and client crashes. The Python
    twin of the Java ``TaskFacade``, speaking docs/PROTOCOL.md.

    >>> with TaskFacade(bootstrap="127.0.0.1:9092") as facade:
    ...     task_id, future = facade.submit("sleep", "0.5")
    ...     everything = facade.collect(timeout=30)

    Thread-safe: any thread may submit and collect. The facade runs threads of its own: librdkafka's,
    a sender thread that serves the producer's delivery reports, and a result reader, which reads
    the session's partition of the results topic and completes the futures (their callbacks run
    on it: keep them short).

    ``bootstrap``: Kafka's ``host:port,...``. ``config``: librdkafka settings passed to the producer
    and the consumer (security, say); the facade fixes ``acks=all``, idempotence, the murmur2
    partitioner and ``isolation.level=read_uncommitted``. ``topic_prefix``: the installation's.
    ``max_buffered_tasks``/``max_buffered_bytes``: tasks not yet confirmed by the broker; past
    either, submit fails at once. ``close_timeout``: what ``close()`` and ``with`` use, in seconds.
    ``clock_skew_tolerance``: how far the broker's clock may lag this host's, in seconds.
    """

    def __init__(self, bootstrap: str = "127.0.0.1:9092", config: Optional[Mapping[str, object]] = None, *,
                 topic_prefix: str = "sf.", session: Optional[str] = None, max_buffered_tasks: int = 100_000,
                 max_buffered_bytes: int = 64 * 1024 * 1024, close_timeout: float = 30.0,
                 clock_skew_tolerance: float = 120.0):
        if not bootstrap or not str(bootstrap).strip():
            raise ValueError("bootstrap must not be empty")
        if not re.fullmatch(r"[a-zA-Z0-9._-]{0,200}", topic_prefix):
            raise ValueError(f"topic_prefix {topic_prefix!r} may hold only letters, digits, '.', '_' and '-'")
        if max_buffered_tasks < 1 or max_buffered_bytes < 1:
            raise ValueError(f"buffer bounds must be positive, not {max_buffered_tasks} tasks / {max_buffered_bytes} bytes")
        if not close_timeout > 0:
            raise ValueError(f"close_timeout must be positive, not {close_timeout}")
        if not clock_skew_tolerance > 0:
            raise ValueError(f"clock_skew_tolerance must be positive, not {clock_skew_tolerance}")
        resume = session is not None
        self._session = ids.require_session_id(session) if resume else ids.next_id()
        self._close_timeout = close_timeout
        self._sequence = 0
        self._seq_lock = threading.Lock()
        self._closed = False
        # Set by cancel_session(): tasks submitted after it say so, and nodes answer them CANCELLED
        # even if they arrive before the cancel does (docs/PROTOCOL.md §5a).
        self._session_cancelled = False
        self._not_sent: List[str] = []
        self._log = ResultLog()
        self._ledger = SessionLedger(caught_up=not resume, on_first_result=self._log.append)
        user = dict(config or {})
        self._sender = Sender(Producer(self._producer_config(bootstrap, user, max_buffered_tasks, max_buffered_bytes)),
                              topic_prefix + "tasks", topic_prefix + "events", self._session,
                              max_buffered_tasks, max_buffered_bytes, self._fail)
        self._cancels_topic = topic_prefix + "cancels"
        self._reader = ResultReader(Consumer(self._consumer_config(bootstrap, user)), topic_prefix + "results",
                                    topic_prefix + "events", self._session, resume, clock_skew_tolerance,
                                    self._ledger)

    @classmethod
    def resume(cls, session_id: str, bootstrap: str = "127.0.0.1:9092",
               config: Optional[Mapping[str, object]] = None, **settings) -> "TaskFacade":
        """Re-attaches to an existing session (from this or any other host, after a crash) instead
        of starting a new one; new tasks join it. ``settings`` are the constructor's."""
        return cls(bootstrap, config, session=ids.require_session_id(session_id), **settings)

    def _producer_config(self, bootstrap, user, max_tasks, max_bytes) -> dict:
        p = dict(user)
        p.update({
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            # The Java client's partitioner: a routing key (and the journal's session key) must
            # land where Java puts it (docs/PROTOCOL.md §3).
            "partitioner": PARTITIONER,
            # While the broker is away librdkafka keeps retrying; close() bounds the wait.
            "message.timeout.ms": 0,
            "queue.buffering.max.messages": max(100_000, 2 * max_tasks + 1000),
            "queue.buffering.max.kbytes": min(2_147_483_647, max(1_048_576, 2 * max_bytes // 1024)),
        })
        p.setdefault("linger.ms", 0)
        p.setdefault("message.max.bytes", MAX_RECORD_BYTES)
        p.setdefault("error_cb", self._producer_error)
        return p

    def _producer_error(self, err) -> None:
        # librdkafka's own errors (broker down, say): kept to explain a full buffer, as Java does.
        LOG.debug("[%s] producer: %s", self._session, err)
        sender = getattr(self, "_sender", None)
        if sender is not None:
            sender.problem(err.str())

    def _consumer_config(self, bootstrap, user) -> dict:
        c = {k: v for k, v in user.items() if k not in ("linger.ms", "message.max.bytes", "acks")}
        c.update({
            "bootstrap.servers": bootstrap,
            # Never joined (partitions are assigned) and nothing is committed: librdkafka wants a name.
            "group.id": "sf-client-" + self._session,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            # Results are read before their writer's transaction commits: a writer sends a result
            # only once the row it names is flushed, so even one whose transaction aborts is true,
            # and its replay is the same result, dropped as a duplicate (docs/PROTOCOL.md §6).
            "isolation.level": "read_uncommitted",
            "fetch.wait.max.ms": 5,
            # A resumed session is caught up once it has read its partitions to their ends.
            "enable.partition.eof": True,
        })
        c.setdefault("error_cb", lambda err: LOG.debug("[%s] consumer: %s", self._session, err))
        return c

    @property
    def session(self) -> str:
        """The session id (a UUIDv7): print it, and ``TaskFacade.resume`` it from anywhere."""
        return self._session

    def submit(self, type: str, payload=b"", **options) -> Tuple[str, Future]:
        """Queues a task for the broker and returns ``(task id, future)`` at once; never waits on the
        network, whatever the state of the broker. The future completes with a ``TaskResult`` on the
        result-reader thread when the result arrives (or on the closing thread, NOT_SENT).

        ``payload``: bytes, or text (UTF-8). Options: ``deadline`` (a ``datetime`` or Unix seconds;
        the task EXPIREs if no worker starts it by then), ``max_attempts`` (worker deaths before
        WORKER_CRASHED; 0 for the node's default), ``priority`` (larger runs sooner),
        ``routing_key`` (same key, same order), ``retries`` and ``retry_backoff`` (seconds,
        doubling) for FAILED runs.

        Raises ``SubmitRejected`` if the facade is closed or its buffer of unconfirmed tasks is
        full, ``ValueError``/``TypeError`` naming a bad argument.
        """
        if self._closed:
            raise SubmitRejected(f"the facade of session {self._session} is closed")
        request, key = self._request(type, payload, options)
        task_id = request.task_id
        value = request.SerializeToString()
        pending = Pending(task_id, request.sequence, type, len(value))
        try:
            self._sender.reserve(pending)
        except BufferError as e:
            raise SubmitRejected(str(e)) from None
        future = self._ledger.register(task_id)
        try:
            self._sender.send(pending, key, value)
        except BufferError as e:
            # librdkafka refused it (its own queue is full): a result says so, as for any unsent task.
            self._fail(pending, str(e))
        return task_id, future

    def cancel(self, task_id: str) -> Future:
        """Asks the writer nodes to cancel ``task_id``, a task of this session (resume a session to
        cancel its tasks from another process). Returns at once a ``Future`` that completes (with
        None) when the broker has the request, or with a ``FacadeError`` naming why not (the facade
        closed first; the cancels topic, which writer nodes create when they start, missing).

        The task's one result then comes as any result does: CANCELLED if it had not started (it
        never runs) or if its handler was interrupted; the result it had if it finished first, or if
        its handler does not allow interruption (docs/PROTOCOL.md §5a).

        Raises ``FacadeError`` if the facade is closed, ``ValueError`` if ``task_id`` is not a task id.
        """
        if not ids.is_valid(task_id):
            raise ValueError(f"task id {task_id!r} is not a UUIDv7 (as returned by submit)")
        return self._cancel(task_id)

    def cancel_session(self) -> Future:
        """``cancel`` for every task of this session: those not finished yet, and any submitted
        after it, end CANCELLED. Returns at once, as ``cancel`` does. Tasks this facade submits
        afterwards carry the cancel themselves (``session_cancelled``), so none runs even if it
        reaches a node before the cancel does."""
        if self._closed:
            raise FacadeError(f"the facade of session {self._session} is closed")
        self._session_cancelled = True
        return self._cancel("")

    def _cancel(self, task_id: str) -> Future:
        if self._closed:
            raise FacadeError(f"the facade of session {self._session} is closed")
        request = pb.CancelRequest(task_id=task_id, session_id=self._session, at_us=time.time_ns() // 1000,
                                   requested_by=_user())
        done: Future = Future()
        self._sender.cancel(self._cancels_topic, (task_id or self._session).encode("utf-8"),
                            request.SerializeToString(), done)
        return done

    def _request(self, task_type, payload, options):
        if not isinstance(task_type, str) or not _TYPE.match(task_type):
            raise ValueError(f"task type {task_type!r} must be 1-32 of a-z 0-9 _ . -")
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        elif payload is None:
            payload = b""
        elif not isinstance(payload, (bytes, bytearray, memoryview)):
            raise TypeError(f"payload must be bytes or str, not {type(payload).__name__}")
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload of {len(payload)} bytes is over the limit of {MAX_PAYLOAD_BYTES} bytes"
                             f" (16 MiB, docs/PROTOCOL.md §7)")
        unknown = set(options) - set(_OPTIONS)
        if unknown:
            raise TypeError(f"unknown submit option(s) {sorted(unknown)}; known: {list(_OPTIONS)}")
        max_attempts = _non_negative_int(options.get("max_attempts", 0), "max_attempts")
        retries = _non_negative_int(options.get("retries", 0), "retries")
        backoff = options.get("retry_backoff", 0) or 0
        if not isinstance(backoff, (int, float)) or backoff < 0:
            raise ValueError(f"retry_backoff must be a number of seconds >= 0, not {backoff!r}")
        priority = options.get("priority", 0)
        if not isinstance(priority, int):
            raise ValueError(f"priority must be an int, not {priority!r}")
        routing_key = options.get("routing_key", "") or ""
        if not isinstance(routing_key, str):
            raise ValueError(f"routing_key must be text, not {routing_key!r}")
        if len(routing_key) > MAX_ROUTING_KEY_CHARS:
            raise ValueError(f"routing_key of {len(routing_key)} characters is over the limit of"
                             f" {MAX_ROUTING_KEY_CHARS}")
        with self._seq_lock:
            self._sequence += 1
            sequence = self._sequence
        request = pb.TaskRequest(task_id=ids.next_id(), session_id=self._session, sequence=sequence, type=task_type,
                                 payload=bytes(payload), submitted_at_us=time.time_ns() // 1000,
                                 deadline_us=_deadline_us(options.get("deadline")), max_attempts=max_attempts,
                                 priority=priority, routing_key=routing_key, retries=retries,
                                 retry_backoff_ms=int(round(backoff * 1000)),
                                 session_cancelled=self._session_cancelled)
        return request, (routing_key.encode("utf-8") if routing_key else None)

    def collect(self, timeout: float) -> CollectResult:
        """Waits up to ``timeout`` seconds for every task of the session to have its result, then
        returns one result per task in submission order, and the ids still missing. May be called
        any number of times; never waits longer than ``timeout``."""
        return self._ledger.collect(timeout)

    def results(self, timeout: Optional[float] = None) -> Iterator[TaskResult]:
        """The session's results as they arrive, first to last, each task once: every iterator
        starts from the first result of the session (also those that arrived before) and follows
        new ones live. It ends after ``close()`` once it has yielded the results that arrived, or
        when ``timeout`` seconds (None: no limit) have passed since it was made. Arrival order,
        not submission order. Each iterator is for one thread."""
        return self._log.iterate(timeout)

    def stats(self) -> FacadeStats:
        """Counters of this facade; never blocks on the network."""
        return FacadeStats(self._sender.buffered(), self._ledger.size(), self._ledger.without_result(),
                           self._ledger.duplicates_dropped())

    def close(self, timeout: Optional[float] = None) -> List[str]:
        """Stops accepting tasks, delivers what is buffered within ``timeout`` seconds (default: the
        facade's ``close_timeout``), completes the tasks the broker never confirmed as NOT_SENT,
        and returns their ids in submission order. Returns within the timeout whatever the state of
        the broker. A task reported here was not confirmed; if the broker was slow rather than away
        it may still have been written and run. A second call returns an empty list at once."""
        timeout = self._close_timeout if timeout is None else timeout
        if timeout < 0:
            raise ValueError(f"timeout must be >= 0, not {timeout}")
        deadline = time.monotonic() + timeout
        if self._closed:
            return []
        self._closed = True
        # Keep a quarter (at most 250 ms) of the time for stopping the threads after the last delivery.
        for p in self._sender.close(deadline - min(0.25, timeout / 4)):
            self._fail(p, "the facade closed before the broker confirmed the task")
        report = sorted(set(self._not_sent))
        if report:
            LOG.warning("[%s] %d tasks were not confirmed by the broker before close", self._session, len(report))
        unjournaled = self._sender.unjournaled()
        if unjournaled:
            LOG.warning("[%s] %d tasks reached the broker without their journal entry (first: %s): a resumed"
                        " session learns of them only from their results", self._session, len(unjournaled),
                        unjournaled[0])
        self._reader.stop(deadline)
        self._log.close()
        return report

    def unjournaled(self) -> List[str]:
        """Ids of tasks the broker took whose SUBMITTED journal entry it never confirmed, in the order
        found; complete once ``close`` has returned. A resumed session learns of such a task only from
        its result (docs/PROTOCOL.md §6). Empty in the normal case."""
        return self._sender.unjournaled()

    def _fail(self, p: Pending, why: str) -> None:
        self._not_sent.append(p.id)
        self._ledger.complete(TaskResult(id=p.id, sequence=p.sequence, type=p.type, status=TaskStatus.NOT_SENT,
                                         error=why))

    def __enter__(self) -> "TaskFacade":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TaskFacade(session={self._session!r})"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _non_negative_int(v, name: str) -> int:
    if not isinstance(v, int) or v < 0:
        raise ValueError(f"{name} must be an int >= 0, not {v!r}")
    return v


def _deadline_us(deadline) -> int:
    if deadline is None:
        return 0
    if isinstance(deadline, datetime.datetime):
        if deadline.tzinfo is None:
            raise ValueError(f"deadline {deadline!r} has no time zone: use an aware datetime")
        return int(deadline.timestamp() * 1_000_000)
    if isinstance(deadline, (int, float)) and deadline > 0:
        return int(deadline * 1_000_000)
    raise ValueError(f"deadline must be an aware datetime or Unix seconds > 0, not {deadline!r}")
