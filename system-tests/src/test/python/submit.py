"""PythonClientIT's submitter: submits COUNT echo tasks to a new session and prints
SESSION <id>, then SUBMITTED <task id> per task and RESULT <task id> <status> per result as
they arrive. With --pace, waits 10 ms every 10 tasks (3000 take 3 s at least), so that a kill
comes mid-run. Closes and exits."""

import argparse
import sys
import threading
import time

from swmrfacade import TaskFacade

p = argparse.ArgumentParser()
p.add_argument("bootstrap")
p.add_argument("prefix")
p.add_argument("count", type=int)
p.add_argument("--pace", action="store_true")
p.add_argument("--routing-key", default="")
p.add_argument("--collect", type=float, default=0.0, help="collect for this long before closing")
args = p.parse_args()

out = threading.Lock()


def say(line):
    with out:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


facade = TaskFacade(bootstrap=args.bootstrap, topic_prefix=args.prefix)
say(f"SESSION {facade.session}")
for i in range(args.count):
    task_id, future = facade.submit("echo", f"from python {i}", routing_key=args.routing_key)
    say(f"SUBMITTED {task_id}")
    future.add_done_callback(lambda f: say(f"RESULT {f.result().id} {f.result().status.name}"))
    if args.pace and i % 10 == 9:
        time.sleep(0.01)
if args.collect:
    done = facade.collect(args.collect)
    say(f"COLLECTED {len(done.results)} missing={len(done.missing)} complete={done.complete}")
say(f"CLOSED not_sent={len(facade.close(30))}")
