"""Seed 002 on swmr-facade: a producer hands many items to consumers, and the program exits
promptly. With multiprocessing, join() before draining the queue hangs forever; here submit
never blocks, collect has a timeout, and close() returns within its timeout whatever happens.

    python3 examples/python/002_many_tasks.py --count 10000
"""

import time

from _setup import arguments


def main():
    args = arguments(__doc__.splitlines()[0], count=(10000, "how many tasks"), timeout=(120.0, "collect timeout, seconds"))
    from swmrfacade import TaskFacade
    t0 = time.monotonic()
    facade = TaskFacade(bootstrap=args.bootstrap, topic_prefix=args.topic_prefix)
    try:
        for i in range(args.count):
            facade.submit("echo", f"line {i}")
        submitted = time.monotonic() - t0
        done = facade.collect(timeout=args.timeout)
        collected = time.monotonic() - t0
    finally:
        t1 = time.monotonic()
        not_sent = facade.close(timeout=10)
        closed = time.monotonic() - t1
    ok = done.all_succeeded and len(done.results) == args.count and [r.output_text for r in done.results] == \
        [f"line {i}" for i in range(args.count)]
    print(f"submitted {args.count} in {submitted:.2f} s; collected {len(done.results)} in {collected:.2f} s, "
          f"in order and exact: {ok}; closed in {closed:.2f} s, not sent {len(not_sent)}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
