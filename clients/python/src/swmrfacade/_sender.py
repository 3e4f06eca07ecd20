"""The producer side of a facade: tasks to sf.tasks, and each acknowledged task to the journal."""

import collections
import logging
import threading
import time
from concurrent.futures import Future
from typing import Callable, Deque, Dict, List, Optional, Set

from confluent_kafka import KafkaError, KafkaException, Producer

from .model import FacadeError
from .v1 import swmrfacade_pb2 as pb

LOG = logging.getLogger("swmrfacade")
# Entries per journal record: at most about 85 bytes each, so a record stays under 100 KiB (the Java client's bound).
MAX_JOURNAL_ENTRIES = 1000


class Pending:
    """A task handed to the producer and not yet confirmed by the broker."""

    __slots__ = ("id", "sequence", "type", "size")

    def __init__(self, task_id: str, sequence: int, task_type: str, size: int):
        self.id = task_id
        self.sequence = sequence
        self.type = task_type
        self.size = size


class Sender:
    """Hands tasks to librdkafka, whose ``produce`` only queues them (it never waits on the
    network), and runs the delivery callbacks on one thread of its own. Tasks stay counted against
    the buffer bounds until the broker acknowledges them; then the task is journaled so a resumed
    session knows it (docs/PROTOCOL.md §5): the tasks acknowledged in one round of delivery
    callbacks go in one SUBMITTED_BATCH record of at most ``MAX_JOURNAL_ENTRIES``. A journal record
    gets the task's discipline: librdkafka retries it until ``message.timeout.ms``, one it refuses
    to queue is queued again by the sender thread, close waits for them, and ``unjournaled`` names
    the tasks of any that never reached the broker.

    Thread-safe: ``submit`` may be called from any thread.
    """

    def __init__(self, producer: Producer, tasks_topic: str, events_topic: str, session_id: str,
                 max_tasks: int, max_bytes: int, failed: Callable[[Pending, str], None]):
        self._producer = producer
        self._tasks_topic = tasks_topic
        self._events_topic = events_topic
        self._session = session_id
        self._session_key = session_id.encode("utf-8")
        self._max_tasks = max_tasks
        self._max_bytes = max_bytes
        self._failed = failed
        self._lock = threading.Lock()
        self._unconfirmed: Dict[str, Pending] = {}
        self._bytes = 0
        self._last_problem = ""
        # Tasks the broker took, not yet in a journal record.
        self._acked: List[Pending] = []
        # Journal records (their tasks) librdkafka would not queue yet (its queue was full), oldest first.
        self._journal_retry: Deque[List[Pending]] = collections.deque()
        self._unjournaled: List[str] = []
        # Futures of cancel requests not yet confirmed by the broker; failed if the facade closes first.
        self._cancels: Set[Future] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sf-facade-sender", daemon=True)
        self._thread.start()

    def reserve(self, pending: Pending) -> None:
        """Counts a task against the buffer bounds, or raises ``BufferError`` saying what is full. Never blocks."""
        with self._lock:
            if len(self._unconfirmed) >= self._max_tasks:
                raise BufferError(f"the submit buffer is full: {self._max_tasks} tasks are waiting for the broker"
                                  f" to confirm them{self._problem()}")
            if self._bytes + pending.size > self._max_bytes:
                raise BufferError(f"the submit buffer is full: {self._max_bytes} bytes of tasks are waiting for the"
                                  f" broker to confirm them (this task has {pending.size}){self._problem()}")
            self._unconfirmed[pending.id] = pending
            self._bytes += pending.size

    def send(self, pending: Pending, key: Optional[bytes], value: bytes) -> None:
        """Hands a reserved task to librdkafka, which only queues it; raises ``BufferError`` if it refuses."""
        try:
            self._producer.produce(self._tasks_topic, value=value, key=key,
                                   on_delivery=lambda err, msg: self._delivered(pending, err))
        except (BufferError, KafkaException) as e:
            self._release(pending)
            raise BufferError(f"the Kafka client refused the task: {e}") from e

    def _problem(self) -> str:
        p = self._last_problem
        return f"; last problem: {p}" if p else "; raise max_buffered_tasks/max_buffered_bytes, or submit more slowly"

    def _release(self, pending: Pending) -> bool:
        with self._lock:
            if self._unconfirmed.pop(pending.id, None) is None:
                return False
            self._bytes -= pending.size
            return True

    def _delivered(self, pending: Pending, err: Optional[KafkaError]) -> None:
        if not self._release(pending):
            return
        if err is None:
            self._last_problem = ""
            with self._lock:
                self._acked.append(pending)  # journaled after this round of callbacks (_journal_acked)
        else:
            self._failed(pending, f"the broker did not take the task: {err.str()}")

    def _journal_acked(self) -> None:
        """Journals the tasks acknowledged since the last call, in records of at most MAX_JOURNAL_ENTRIES."""
        while True:
            with self._lock:
                if not self._acked:
                    return
                batch = self._acked[:MAX_JOURNAL_ENTRIES]
                del self._acked[:MAX_JOURNAL_ENTRIES]
            if not self._journal(batch):
                with self._lock:  # librdkafka's queue is full: the sender thread queues it again later
                    self._journal_retry.append(batch)
                return

    def _journal(self, batch: List[Pending]) -> bool:
        """Queues one journal record; False if librdkafka's queue is full (the caller keeps the record)."""
        event = pb.TaskEvent(kind=pb.TaskEvent.SUBMITTED_BATCH, session_id=self._session, at_us=time.time_ns() // 1000)
        for p in batch:
            event.submitted.add(task_id=p.id, sequence=p.sequence, type=p.type)
        try:
            # Keyed by session id: librdkafka's murmur2_random partitioner (set by the facade) puts it
            # on the partition a resumed session reads, as the Java client's would.
            self._producer.produce(self._events_topic, value=event.SerializeToString(), key=self._session_key,
                                   on_delivery=lambda err, msg: self._journaled(batch, err))
            return True
        except BufferError:
            return False
        except KafkaException as e:
            self._journal_lost(batch, str(e))
            return True

    def _journaled(self, batch: List[Pending], err: Optional[KafkaError]) -> None:
        if err is not None:
            # librdkafka has retried it until message.timeout.ms, or the error is not retriable.
            self._journal_lost(batch, err.str())

    def _journal_lost(self, batch: List[Pending], why: str) -> None:
        with self._lock:
            first = not self._unjournaled
            self._unjournaled.extend(p.id for p in batch)
        if first:
            LOG.warning("[%s] the journal record of %d tasks (the first %s) was not written (%s): a resumed session"
                        " learns of such a task only from its result", self._session, len(batch), batch[0].id, why)

    def _retry_journal(self) -> None:
        """Queues the records librdkafka refused before, oldest first, then the tasks acknowledged since."""
        while True:
            with self._lock:
                if not self._journal_retry:
                    break
                batch = self._journal_retry.popleft()
            if not self._journal(batch):
                with self._lock:  # still full: back to the head of the line, tried again at the next turn
                    self._journal_retry.appendleft(batch)
                return
        self._journal_acked()

    def cancel(self, topic: str, key: bytes, value: bytes, done: "Future") -> None:
        """Hands a cancel request to librdkafka; ``done`` completes on the sender thread once the
        broker has it, or with a ``FacadeError`` naming the reason. Never blocks."""
        def delivered(err, msg):
            with self._lock:
                self._cancels.discard(done)
            if done.done():
                return
            if err is None:
                done.set_result(None)
            elif err.code() in (KafkaError._PURGE_QUEUE, KafkaError._PURGE_INFLIGHT):
                done.set_exception(FacadeError("the facade closed before the broker confirmed the cancel request"))
            else:
                done.set_exception(FacadeError(f"the broker did not take the cancel request ({topic}): {err.str()}"))
        with self._lock:
            self._cancels.add(done)
        try:
            self._producer.produce(topic, value=value, key=key, on_delivery=delivered)
        except (BufferError, KafkaException) as e:
            with self._lock:
                self._cancels.discard(done)
            done.set_exception(FacadeError(f"the Kafka client refused the cancel request: {e}"))

    def unjournaled(self) -> List[str]:
        """Ids of tasks the broker took whose journal entry it never confirmed (see ``TaskFacade.unjournaled``)."""
        with self._lock:
            return list(self._unjournaled)

    def problem(self, text: str) -> None:
        """What went wrong last talking to the broker: a full buffer's message names it."""
        self._last_problem = text

    def _serve(self) -> None:
        # librdkafka looks up a topic it has not seen at its next one-second scan, so a facade's
        # first task, and then its first journal record, would each wait up to a second: ask now.
        for topic in (self._tasks_topic, self._events_topic):
            if self._stop.is_set():
                break
            try:
                self._producer.list_topics(topic, timeout=1.0)
            except KafkaException as e:
                self._last_problem = f"no metadata for {topic}: {e}"
        while not self._stop.is_set():
            self._producer.poll(0.05)
            self._retry_journal()

    def buffered(self) -> int:
        with self._lock:
            return len(self._unconfirmed)

    def close(self, deadline: float) -> List[Pending]:
        """Delivers what it can until ``deadline`` (a ``time.monotonic()`` instant), then gives up on
        the rest; returns the tasks the broker never confirmed. Returns by the deadline."""
        while time.monotonic() < deadline and (self._producer.flush(min(0.1, max(0.0, deadline - time.monotonic()))) > 0
                                               or self._journal_retry or self._acked):
            self._retry_journal()
        self._stop.set()
        self._thread.join(max(0.0, deadline - time.monotonic()) + 0.2)
        if len(self._producer) > 0:
            # Past the deadline: drop what librdkafka still holds; its callbacks report the tasks NOT_SENT.
            self._producer.purge(in_queue=True, in_flight=True, blocking=False)
            self._producer.flush(0.05)
        with self._lock:
            left = list(self._unconfirmed.values())
            self._unconfirmed.clear()
            self._bytes = 0
            never = [p.id for batch in self._journal_retry for p in batch] + [p.id for p in self._acked]
            self._journal_retry.clear()
            self._acked.clear()
            self._unjournaled.extend(never)
            cancels = list(self._cancels)
            self._cancels.clear()
        for done in cancels:
            if not done.done():
                done.set_exception(FacadeError("the facade closed before the broker confirmed the cancel request"))
        return left
