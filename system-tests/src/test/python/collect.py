"""PythonClientIT's collector: resumes SESSION in a new process, collects for up to TIMEOUT
seconds and prints RESULT <task id> <status> <output> per result in order, MISSING <id> per
missing task, then COMPLETE <true|false> <results> <duplicates dropped>. Exits 0."""

import sys

from swmrfacade import TaskFacade

bootstrap, prefix, session, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
with TaskFacade.resume(session, bootstrap=bootstrap, topic_prefix=prefix) as facade:
    done = facade.collect(timeout)
    for r in done.results:
        print("RESULT", r.id, r.status.name, r.output_text.replace("\n", " "))
    for m in done.missing:
        print("MISSING", m)
    print("COMPLETE", str(done.complete).lower(), len(done.results), facade.stats().duplicates_dropped, flush=True)
