"""PythonClientIT's canceller: a finished task cancelled (its result stands), a running sleep
cancelled (CANCELLED while it ran), and a whole session of sleeps, some of them still queued
behind the writer's limit of 3 (CANCELLED before they started). Prints RESULT <label> <status>
<error> per task, then COMPLETE <true|false> <results>. Exits 0."""

import sys
import time

from swmrfacade import TaskFacade, TaskStatus

bootstrap, prefix = sys.argv[1], sys.argv[2]
labels = {}
with TaskFacade(bootstrap=bootstrap, topic_prefix=prefix) as facade:
    done_id, done_future = facade.submit("echo", "done")
    labels[done_id] = "finished"
    done_future.result(60)
    facade.cancel(done_id).result(30)

    running_id, running_future = facade.submit("sleep", "60")
    labels[running_id] = "running"
    time.sleep(2)  # the writer has taken and started it by now; the result shows which happened
    facade.cancel(running_id).result(30)
    running_future.result(30)

    for i in range(5):  # the writer runs 3 sleeps at once: 2 of these wait
        task_id, _ = facade.submit("sleep", "60")
        labels[task_id] = f"session-{i}"
    time.sleep(2)
    facade.cancel_session().result(30)
    got = facade.collect(60)
    # A cancel of a finished task adds nothing: one result per task, and no duplicate arrived.
    for r in got.results:
        print("RESULT", labels[r.id], r.status.name, r.error.replace("\n", " "))
    print("COMPLETE", str(got.complete).lower(), len(got.results), facade.stats().duplicates_dropped, flush=True)
