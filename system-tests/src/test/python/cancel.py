"""PythonClientIT's canceller: a finished task cancelled (its result stands), a running sleep
cancelled (CANCELLED while it ran), and a whole session of sleeps, some of them still queued
behind the writer's limit of 3 (CANCELLED before they started), and one submitted after the cancel
(CANCELLED before it started; its record says the session was cancelled, FLAG shows that). Prints RESULT <label> <status>
<error> per task, then COMPLETE <true|false> <results>. Exits 0.

A task is cancelled "while it ran" only once the writer has started it: the script waits until
the attempts topic shows the start (a writer records every start there as the task begins)."""

import sys
import time
import uuid

from confluent_kafka import Consumer, TopicPartition

from swmrfacade import TaskFacade, TaskStatus
from swmrfacade.v1 import swmrfacade_pb2 as pb

bootstrap, prefix = sys.argv[1], sys.argv[2]
labels = {}


def await_started(task_ids, count=None, timeout=60.0):
    """Returns once the attempts topic holds a start of count of task_ids (all by default); exits
    with a message after timeout s."""
    waiting = set(task_ids)
    count = len(waiting) if count is None else count
    topic = prefix + "attempts"
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "cancel-py-" + uuid.uuid4().hex,
                         "enable.auto.commit": False, "isolation.level": "read_uncommitted"})
    try:
        deadline = time.monotonic() + timeout
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        while len(task_ids) - len(waiting) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"fewer than {count} of {sorted(task_ids)} started on {topic} within {timeout} s")
            msg = consumer.poll(0.1)
            if msg is not None and msg.error() is None and msg.value():
                waiting.discard(pb.TaskAttempt.FromString(msg.value()).task_id)
    finally:
        consumer.close()


def session_cancelled_flag(task_id, timeout=30.0):
    """The session_cancelled field of task_id's record on the tasks topic, as a writer reads it."""
    topic = prefix + "tasks"
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "cancel-py-" + uuid.uuid4().hex,
                         "enable.auto.commit": False})
    try:
        deadline = time.monotonic() + timeout
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        while time.monotonic() < deadline:
            msg = consumer.poll(0.1)
            if msg is not None and msg.error() is None and msg.value():
                task = pb.TaskRequest.FromString(msg.value())
                if task.task_id == task_id:
                    return task.session_cancelled
        raise SystemExit(f"task {task_id} not found on {topic} within {timeout} s")
    finally:
        consumer.close()


with TaskFacade(bootstrap=bootstrap, topic_prefix=prefix) as facade:
    done_id, done_future = facade.submit("echo", "done")
    labels[done_id] = "finished"
    done_future.result(60)
    facade.cancel(done_id).result(30)

    running_id, running_future = facade.submit("sleep", "60")
    labels[running_id] = "running"
    await_started([running_id])
    facade.cancel(running_id).result(30)
    running_future.result(30)

    session = []
    for i in range(5):  # the writer runs 3 sleeps at once: 2 of these wait
        task_id, _ = facade.submit("sleep", "60")
        labels[task_id] = f"session-{i}"
        session.append(task_id)
    await_started(session, count=3)
    facade.cancel_session().result(30)
    # Submitted after the cancel: it says so itself, so it never runs even if it overtakes the cancel.
    after_id, _ = facade.submit("sleep", "60")
    labels[after_id] = "session-after"
    print("FLAG", session_cancelled_flag(running_id), session_cancelled_flag(after_id), flush=True)
    got = facade.collect(60)
    # A cancel of a finished task adds nothing: one result per task, and no duplicate arrived.
    for r in got.results:
        print("RESULT", labels[r.id], r.status.name, r.error.replace("\n", " "))
    print("COMPLETE", str(got.complete).lower(), len(got.results), facade.stats().duplicates_dropped, flush=True)
