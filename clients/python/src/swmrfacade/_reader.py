"""The consumer side of a facade: the session's partition of sf.results (and of sf.events on resume)."""

import logging
import threading
import time
from typing import Dict, List

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from google.protobuf.message import DecodeError

from . import ids
from ._ledger import SessionLedger
from .model import TaskResult, TaskStatus
from .partitions import partition_for
from .v1 import swmrfacade_pb2 as pb

LOG = logging.getLogger("swmrfacade")
_METADATA_WAIT = 2.0


class ResultReader:
    """Reads the one partition of the results topic the session id hashes to (murmur2), from the
    session's creation time less the clock-skew tolerance on (docs/PROTOCOL.md §6). A resumed
    session also reads its journal in the events topic; it is caught up once it has read both
    partitions to where they ended when it attached.

    Runs on one thread of its own, which completes the tasks' futures.
    """

    def __init__(self, consumer: Consumer, results_topic: str, events_topic: str, session_id: str,
                 resume: bool, skew_seconds: float, ledger: SessionLedger):
        self._consumer = consumer
        self._results_topic = results_topic
        self._events_topic = events_topic
        self._session = session_id
        self._key = session_id.encode("utf-8")
        self._resume = resume
        self._skew_ms = int(skew_seconds * 1000)
        self._ledger = ledger
        self._catch_up_to: Dict[tuple, int] = {}
        # How far each partition has been read: a record's offset + 1, or where librdkafka reported
        # the partition's end (it reports that also past trailing transaction markers, and when
        # nothing lies between the start and the end, where position() would stay unset).
        self._reached: Dict[tuple, int] = {}
        self._malformed = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sf-facade-results", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stopped.is_set() and not self._attach():
                self._stopped.wait(0.2)
            while not self._stopped.is_set():
                msg = self._consumer.poll(0.1)
                if msg is not None:
                    self._handle(msg)
                if self._catch_up_to and all(self._reached.get(tp, -1) >= end for tp, end in self._catch_up_to.items()):
                    self._catch_up_to = {}
                    self._ledger.caught_up()
        except Exception as e:  # the thread must not die silently
            LOG.error("[%s] result reader stopped: %s", self._session, e, exc_info=True)
        finally:
            self._consumer.close()

    def _partition_of(self, topic: str) -> TopicPartition:
        md = self._consumer.list_topics(topic, timeout=_METADATA_WAIT)
        t = md.topics.get(topic)
        if t is None or t.error is not None or not t.partitions:
            raise KafkaException(f"topic {topic} does not exist yet (is the coordinator running?)")
        return TopicPartition(topic, partition_for(self._key, len(t.partitions)))

    def _attach(self) -> bool:
        """Assigns and positions the consumer; False if the broker or topics are not there yet."""
        try:
            parts = [self._partition_of(self._results_topic)]
            if self._resume:
                parts.append(self._partition_of(self._events_topic))
            since = ids.created_ms(self._session) - self._skew_ms
            # The ends first: a partition with no record from the session's time on yet is read from
            # where it ended before that search, so a result written meanwhile is not skipped.
            ends = [self._consumer.get_watermark_offsets(tp, timeout=_METADATA_WAIT, cached=False)[1] for tp in parts]
            found = self._consumer.offsets_for_times([TopicPartition(tp.topic, tp.partition, since) for tp in parts],
                                                     timeout=_METADATA_WAIT)
            start = [f.offset if f.offset >= 0 else end for f, end in zip(found, ends)]
            self._consumer.assign([TopicPartition(tp.topic, tp.partition, o) for tp, o in zip(parts, start)])
            if self._resume:
                self._catch_up_to = {
                    (tp.topic, tp.partition):
                        self._consumer.get_watermark_offsets(tp, timeout=_METADATA_WAIT, cached=False)[1]
                    for tp in parts}
            LOG.debug("[%s] reading %s from %s", self._session, parts, start)
            return True
        except KafkaException as e:
            LOG.debug("[%s] cannot attach to results yet: %s", self._session, e)
            return False

    def _handle(self, msg) -> None:
        if msg.error() is not None:
            if msg.error().code() == KafkaError._PARTITION_EOF:
                self._reached[(msg.topic(), msg.partition())] = msg.offset()
            else:
                LOG.debug("[%s] consumer: %s", self._session, msg.error())
            return
        self._reached[(msg.topic(), msg.partition())] = msg.offset() + 1
        if msg.key() != self._key:
            return  # another session's record on the same partition: not even parsed
        try:
            if msg.topic() == self._results_topic:
                m = pb.TaskResult.FromString(msg.value() or b"")
                # One result, or several packed in one record by a writer node (PROTOCOL.md §6).
                for r in m.results or [m]:
                    if r.session_id == self._session and r.task_id:
                        self._ledger.complete(convert(r))
            else:
                e = pb.TaskEvent.FromString(msg.value() or b"")
                if e.session_id != self._session:
                    return
                # Both forms: one task per record (older clients), or the tasks acknowledged together.
                if e.kind == pb.TaskEvent.SUBMITTED and e.task_id:
                    self._ledger.register(e.task_id)
                elif e.kind == pb.TaskEvent.SUBMITTED_BATCH:
                    for t in e.submitted:
                        if t.task_id:
                            self._ledger.register(t.task_id)
        except DecodeError as e:
            if self._malformed == 0:
                LOG.warning("[%s] skipping malformed record %s-%d@%d: %s", self._session, msg.topic(),
                            msg.partition(), msg.offset(), e)
            self._malformed += 1

    def stop(self, deadline: float) -> None:
        self._stopped.set()
        self._thread.join(max(0.0, deadline - time.monotonic()))


def convert(m) -> TaskResult:
    return TaskResult(id=m.task_id, sequence=m.sequence, type=m.type, status=TaskStatus.of_wire(m.status),
                      output=bytes(m.output), error=m.error, attempts=m.attempts, worker_id=m.worker_id,
                      file=m.file, row=m.row, started_at_us=m.started_at_us, finished_at_us=m.finished_at_us)
