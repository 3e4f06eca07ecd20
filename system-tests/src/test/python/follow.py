"""PythonClientIT's live reader: follows the writer node's FILE with swmrfacade.file while the
writer appends WANT float32 samples 0, 1, 2, ... to STREAM; prints OPEN, GREW <n> as rows with
samples arrive, then DONE samples=<n> exact=<True|False> rows=<n> outputs=<True|False>."""

import sys

import numpy as np

from swmrfacade.file import SwmrFile

path, stream, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunks, outputs_ok = [], True
with SwmrFile(path, open_timeout=30) as f:
    print("OPEN", flush=True)
    for row in f.follow(timeout=90, poll_interval=0.005, stop=lambda: sum(map(len, chunks)) >= want):
        if row.stream != stream:
            continue
        chunks.append(f.samples(row))
        outputs_ok &= row.status.name == "OK" and row.output_text == f"appended {row.stream_count} float32 samples to {stream}"
        print("GREW", sum(map(len, chunks)), flush=True)
    whole = f.stream(stream)
data = np.concatenate(chunks) if chunks else np.empty(0, np.float32)
exact = bool(np.array_equal(data, np.arange(want, dtype=np.float32)) and np.array_equal(whole, data))
print(f"DONE samples={len(data)} exact={exact} rows={len(chunks)} outputs={outputs_ok}", flush=True)
