"""The session ledger keeps one result per task, in submission order, and never waits past its timeout."""

import threading
import time
import unittest

from swmrfacade._ledger import SessionLedger
from swmrfacade.model import TaskResult, TaskStatus


def result(task_id, status=TaskStatus.OK, output=b"x"):
    return TaskResult(id=task_id, sequence=0, type="echo", status=status, output=output)


class Ledger(unittest.TestCase):

    def test_first_result_wins_and_a_redelivery_is_dropped(self):
        seen = []
        ledger = SessionLedger(True, seen.append)
        future = ledger.register("b")
        self.assertTrue(ledger.complete(result("b", output=b"first")))
        self.assertFalse(ledger.complete(result("b", output=b"second")))
        self.assertEqual(future.result(0).output, b"first")
        self.assertEqual([r.output for r in seen], [b"first"])
        self.assertEqual(ledger.duplicates_dropped(), 1)

    def test_collect_returns_results_in_id_order_and_names_the_missing(self):
        ledger = SessionLedger(True, lambda r: None)
        for i in ("c", "a", "b"):
            ledger.register(i)
        ledger.complete(result("c"))
        ledger.complete(result("a"))
        t0 = time.monotonic()
        got = ledger.collect(0.3)
        self.assertGreaterEqual(time.monotonic() - t0, 0.29)
        self.assertLess(time.monotonic() - t0, 2.0)
        self.assertEqual([r.id for r in got.results], ["a", "c"])
        self.assertEqual(got.missing, ("b",))
        self.assertFalse(got.complete)

    def test_collect_returns_as_soon_as_the_last_result_arrives(self):
        ledger = SessionLedger(True, lambda r: None)
        ledger.register("a")
        threading.Timer(0.2, lambda: ledger.complete(result("a"))).start()
        t0 = time.monotonic()
        got = ledger.collect(30)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertTrue(got.complete)

    def test_a_resumed_session_is_not_complete_before_its_journal_is_read(self):
        ledger = SessionLedger(False, lambda r: None)
        self.assertFalse(ledger.collect(0.05).complete)
        ledger.register("a")
        ledger.complete(result("a", status=TaskStatus.FAILED))
        ledger.caught_up()
        got = ledger.collect(1)
        self.assertTrue(got.complete)
        self.assertFalse(got.all_succeeded)

    def test_a_result_of_an_unregistered_task_registers_it(self):
        ledger = SessionLedger(True, lambda r: None)
        ledger.complete(result("z"))
        self.assertEqual(ledger.register("z").result(0).id, "z")
        self.assertEqual(ledger.without_result(), 0)


class Status(unittest.TestCase):

    def test_an_unknown_wire_status_reads_as_failed(self):
        self.assertIs(TaskStatus.of_wire(99), TaskStatus.FAILED)
        self.assertIs(TaskStatus.of_wire(4), TaskStatus.WORKER_CRASHED)


if __name__ == "__main__":
    unittest.main()
