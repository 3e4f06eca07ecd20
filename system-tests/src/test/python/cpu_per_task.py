"""The Python client's CPU per task: the whole process's CPU time (the caller, the facade's sender
and result threads, librdkafka's threads) over ROUNDS rounds of TASKS 100-byte echo tasks through
a running installation, each submitted as fast as possible and collected, after 5,000 warm-up
tasks. Prints one line per round and a RESULT line with the median, in microseconds per task.
Run with the client to measure first on PYTHONPATH (see docs/BENCHMARKS.md, Session 6)."""

import argparse
import statistics
import time

from swmrfacade import TaskFacade

p = argparse.ArgumentParser()
p.add_argument("bootstrap")
p.add_argument("prefix")
p.add_argument("tasks", type=int)
p.add_argument("rounds", type=int)
args = p.parse_args()

payload = b"x" * 100
facade = TaskFacade(bootstrap=args.bootstrap, topic_prefix=args.prefix, max_buffered_tasks=args.tasks + 10_000)


def run(n):
    for _ in range(n):
        facade.submit("echo", payload)
    done = facade.collect(300)
    if not done.complete:
        print(f"INCOMPLETE: {len(done.missing)} tasks without a result", flush=True)


run(5_000)
per_task = []
for r in range(args.rounds):
    cpu, wall = time.process_time(), time.monotonic()
    run(args.tasks)
    us = (time.process_time() - cpu) * 1e6 / args.tasks
    per_task.append(us)
    print(f"round {r + 1}: {args.tasks} tasks in {time.monotonic() - wall:.2f} s, process CPU {us:.1f} us/task", flush=True)
print(f"RESULT python client CPU per task (us, median of {args.rounds} rounds of {args.tasks}): {statistics.median(per_task):.1f}",
      flush=True)
facade.close(30)
