"""PythonClientIT's results() check: submits COUNT echo tasks, takes COUNT results from
results() as they arrive, closes, and iterates again from the start; prints
STREAMED <n> ids=<same set as submitted> again=<n after close, then the iterator ended>."""

import sys
import time

from swmrfacade import TaskFacade

bootstrap, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
facade = TaskFacade(bootstrap=bootstrap, topic_prefix=prefix)
submitted = {facade.submit("echo", str(i))[0] for i in range(count)}
live = []
for r in facade.results(timeout=60):
    live.append(r)
    if len(live) == count:
        break
facade.close(30)
t0 = time.monotonic()
again = list(facade.results(timeout=60))  # ends at once: the facade is closed and every result taken
print(f"STREAMED {len(live)} ids={set(r.id for r in live) == submitted} again={len(again)}"
      f" ended_promptly={time.monotonic() - t0 < 5}", flush=True)
