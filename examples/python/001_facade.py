"""Seed 001 on swmr-facade: a facade that hands tasks to a background worker and collects their
results by id. submit never blocks; collect returns one result per task, in order, and never
hangs, even when a task ("crash") kills its worker: then it ends WORKER_CRASHED after the
allowed attempts (on a writer started with --enable-crash-handler) or REJECTED (on one without).

    python3 examples/python/001_facade.py
"""

from _setup import arguments


def main():
    args = arguments(__doc__.splitlines()[0], timeout=(60.0, "collect timeout, seconds"))
    from swmrfacade import SubmitRejected, TaskFacade
    names = {}
    with TaskFacade(bootstrap=args.bootstrap, topic_prefix=args.topic_prefix) as facade:
        for name, seconds in (("one", 0.5), ("two", 0.2)):
            task_id, _ = facade.submit("sleep", str(seconds))
            names[task_id] = name
        task_id, _ = facade.submit("crash", "freak out", max_attempts=1)
        names[task_id] = "crash"
        first = facade.collect(timeout=args.timeout)
        again = facade.collect(timeout=0)  # collect as often as you like: same answer
        for r in first.results:
            print(f"{names[r.id]} - {r.status.name}: {r.output_text or r.error}")
        print(f"missing: {list(first.missing)}; second collect agrees: {again.results == first.results}")
    try:
        facade.submit("sleep", "1")
    except SubmitRejected as e:
        print(f"after close: {e}")
    raise SystemExit(0 if first.complete and len(first.results) == 3 else 1)


if __name__ == "__main__":
    main()
