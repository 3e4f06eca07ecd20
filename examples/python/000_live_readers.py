"""Seed 000 on swmr-facade: one writer appends samples to an HDF5 file in SWMR mode and three
reader processes watch it live. The writer is a writer node (`sf writer --file FILE`); this
script submits the samples as `append` tasks and runs the three readers, which follow the file
with swmrfacade.file and check every value they read. No flush to forget, no events to
coordinate, no hang at shutdown: readers stop when told, each join is bounded.

    python3 examples/python/000_live_readers.py --file var/data/run.h5
"""

import multiprocessing as mp
import sys
import time

import numpy as np

from _setup import arguments

CHUNK = 100


def say(text):
    sys.stdout.write(text + "\n")  # one write, so that the processes' lines never interleave
    sys.stdout.flush()


def reader(reader_id, path, stream, ready, stop):
    from swmrfacade.file import SwmrFile
    seen = []
    with SwmrFile(path, open_timeout=30) as f:
        say(f"[Reader {reader_id}] following {path} in SWMR mode")
        ready.release()
        for row in f.follow(stop=stop.is_set, poll_interval=0.005):
            if row.stream == stream:
                seen.append(f.samples(row))
                if len(seen) % 10 == 0:
                    say(f"[Reader {reader_id}] {len(seen) * CHUNK} samples")
    data = np.concatenate(seen) if seen else np.empty(0, np.float32)
    exact = np.array_equal(data, np.arange(len(data), dtype=np.float32))
    say(f"[Reader {reader_id}] saw {len(data)} samples, exact={exact}")


def main():
    args = arguments(__doc__.splitlines()[0], file=(None, "the writer node's file (its --file)"),
                     seconds=(3.0, "how long to acquire"), readers=(3, "how many readers"))
    from swmrfacade import TaskFacade, payloads
    with TaskFacade(bootstrap=args.bootstrap, topic_prefix=args.topic_prefix) as facade:
        stream = f"/live_survey/MT001/run_{facade.session}/Ex"  # a new stream for each run
        ready, stop = mp.Semaphore(0), mp.Event()
        readers = [mp.Process(target=reader, args=(i + 1, args.file, stream, ready, stop)) for i in range(args.readers)]
        for r in readers:
            r.start()
        for r in readers:  # acquire only once every reader follows the file, so they see it grow
            if not ready.acquire(timeout=60):
                print("a reader did not open the file within 60 s")
        chunks, end = 0, time.monotonic() + args.seconds
        while time.monotonic() < end:  # acquisition: a chunk every 20 ms, in order (one routing key)
            samples = np.arange(chunks * CHUNK, (chunks + 1) * CHUNK, dtype=np.float32)
            facade.submit("append", payloads.append(stream, samples, units="mV/km", sample_rate_hz=256),
                          routing_key=stream)
            chunks += 1
            time.sleep(0.02)
        done = facade.collect(timeout=60)
        say(f"[Writer] {chunks} chunks appended to {stream}: {'all recorded' if done.all_succeeded else done}")
        stop.set()  # every row is flushed before its result is sent: the readers have it all
        for r in readers:
            r.join(timeout=30)
            if r.is_alive():
                print("a reader did not stop; terminating it")
                r.terminate()
    ok = done.all_succeeded and all(r.exitcode == 0 for r in readers)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    mp.set_start_method("spawn", force=True)
    main()
