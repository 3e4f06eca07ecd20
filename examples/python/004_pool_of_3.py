"""Seed 004 on swmr-facade: many writers, and a pool that lets at most 3 consumers run at once
(3 `docker push` at a time). Ten writer processes each submit a `sleep` task (the push) after a
random delay; the writer node runs at most 3 at once (start it with `--concurrency sleep=3`), and
the results' start and finish times show it. Ctrl-C closes everything within a bounded time.

    python3 examples/python/004_pool_of_3.py
"""

import multiprocessing as mp
import random
import time

from _setup import arguments


def writer(i, bootstrap, prefix, session, seconds):
    from swmrfacade import TaskFacade
    time.sleep(random.uniform(0, 0.5))  # imitate some work happening in the writer
    with TaskFacade.resume(session, bootstrap=bootstrap, topic_prefix=prefix) as facade:
        facade.submit("sleep", str(seconds))
        print(f"Write to queue from writer {i}: {time.time():.3f}", flush=True)


def most_at_once(results):
    edges = sorted([(r.started_at_us, 1) for r in results] + [(r.finished_at_us, -1) for r in results])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


def main():
    args = arguments(__doc__.splitlines()[0], writers=(10, "writer processes"), seconds=(0.5, "each push, seconds"),
                     limit=(3, "the writer node's limit to check"))
    from swmrfacade import TaskFacade, ids
    session = ids.next_id()
    procs = [mp.Process(target=writer, args=(i, args.bootstrap, args.topic_prefix, session, args.seconds))
             for i in range(args.writers)]
    facade = TaskFacade.resume(session, bootstrap=args.bootstrap, topic_prefix=args.topic_prefix)
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=60)
        deadline = time.monotonic() + 120
        done = facade.collect(timeout=120)
        while len(done.results) < args.writers and time.monotonic() < deadline:
            done = facade.collect(timeout=1)
    except KeyboardInterrupt:
        print("Interrupted")
        for p in procs:
            p.terminate()
        raise SystemExit(130)
    finally:
        facade.close(timeout=5)
    for r in sorted(done.results, key=lambda r: r.started_at_us):
        print(f"Read from queue: {r.output_text}")
    peak = most_at_once(done.results)
    print(f"{len(done.results)} pushes, at most {peak} at once (limit {args.limit})")
    raise SystemExit(0 if done.all_succeeded and len(done.results) == args.writers and peak <= args.limit else 1)


if __name__ == "__main__":
    mp.set_start_method("spawn", force=True)
    main()
