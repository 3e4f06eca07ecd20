"""Seed 003 on swmr-facade: queues owned by a server, not by the processes that use them. Here
the queues are Kafka topics (the coordinator creates them); three producer processes put work
into one session and exit (one is killed with SIGKILL), and the parent, which shares no queue
object with them, collects every "Received". No Manager process to lose, no queue to block.

    python3 examples/python/003_manager_queues.py
"""

import multiprocessing as mp
import os
import signal
import time

from _setup import arguments


def producer(bootstrap, prefix, session, count, kill_self):
    from swmrfacade import TaskFacade
    facade = TaskFacade.resume(session, bootstrap=bootstrap, topic_prefix=prefix)
    for i in range(count):
        facade.submit("echo", f"Received {os.getpid()}-{i}")
    if kill_self:
        # Once the broker has confirmed every task, die without closing anything, like a crash.
        deadline = time.monotonic() + 30
        while facade.stats().buffered and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGKILL)
    facade.close(timeout=10)


def main():
    args = arguments(__doc__.splitlines()[0], count=(5, "tasks per producer"), producers=(3, "producer processes"))
    from swmrfacade import TaskFacade, ids
    session = ids.next_id()  # a new session, shared by every process that names it
    procs = [mp.Process(target=producer, args=(args.bootstrap, args.topic_prefix, session, args.count, i == 0))
             for i in range(args.producers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    print("producers exited with", [p.exitcode for p in procs])
    with TaskFacade.resume(session, bootstrap=args.bootstrap, topic_prefix=args.topic_prefix) as facade:
        want, deadline = args.count * args.producers, time.monotonic() + 60
        done = facade.collect(timeout=60)
        while len(done.results) < want and time.monotonic() < deadline:
            # The killed producer may have died before journaling its last tasks: their results name them.
            done = facade.collect(timeout=1)
        for r in done.results:
            print(r.output_text)
    ok = done.all_succeeded and len(done.results) == want
    print(f"{len(done.results)} of {want} received")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    mp.set_start_method("spawn", force=True)
    main()
