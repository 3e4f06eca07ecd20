"""Without a broker, submit still returns at once, the buffer bound fails fast, and close is bounded."""

import socket
import time
import unittest

from swmrfacade import FacadeError, SubmitRejected, TaskFacade, TaskStatus


def dead_address():
    with socket.socket() as s:  # a port nothing listens on once this closes
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


class WithoutBroker(unittest.TestCase):

    def test_submit_never_blocks_and_close_reports_every_task_not_sent_within_its_timeout(self):
        facade = TaskFacade(bootstrap=dead_address(), config={"log_level": 0})
        t0 = time.monotonic()
        submitted = [facade.submit("echo", f"t{i}") for i in range(1000)]
        self.assertLess(time.monotonic() - t0, 2.0, "1000 submits without a broker")
        t1 = time.monotonic()
        not_sent = facade.close(1.0)
        self.assertLess(time.monotonic() - t1, 2.5, "close(1.0) without a broker")
        self.assertEqual(not_sent, sorted(i for i, _ in submitted))
        for task_id, future in submitted:
            r = future.result(0)
            self.assertEqual((r.id, r.status), (task_id, TaskStatus.NOT_SENT))
        got = facade.collect(0)
        self.assertTrue(got.complete)
        self.assertEqual(len(got.results), 1000)
        self.assertEqual(facade.close(1.0), [], "a second close returns nothing at once")
        with self.assertRaisesRegex(SubmitRejected, "is closed"):
            facade.submit("echo", "late")

    def test_a_full_buffer_fails_fast_naming_the_bound(self):
        facade = TaskFacade(bootstrap=dead_address(), config={"log_level": 0}, max_buffered_tasks=10)
        try:
            for i in range(10):
                facade.submit("echo", str(i))
            time.sleep(1.5)  # librdkafka reports the refused connection
            t0 = time.monotonic()
            with self.assertRaisesRegex(SubmitRejected, "10 tasks are waiting for the broker to confirm them; last problem: .*"):
                facade.submit("echo", "one too many")
            self.assertLess(time.monotonic() - t0, 0.5)
        finally:
            facade.close(0.5)

    def test_bad_arguments_are_named(self):
        facade = TaskFacade(bootstrap=dead_address(), config={"log_level": 0})
        try:
            with self.assertRaisesRegex(ValueError, "task type 'Bad Type'"):
                facade.submit("Bad Type", "x")
            with self.assertRaisesRegex(TypeError, r"unknown submit option\(s\) \['colour'\]"):
                facade.submit("echo", "x", colour="red")
            with self.assertRaisesRegex(ValueError, "max_attempts must be an int >= 0, not -1"):
                facade.submit("echo", "x", max_attempts=-1)
            with self.assertRaisesRegex(ValueError, "payload of 16777217 bytes is over the limit of 16777216 bytes"):
                facade.submit("echo", bytes(16 * 1024 * 1024 + 1))
            with self.assertRaisesRegex(ValueError, "routing_key of 1025 characters is over the limit of 1024"):
                facade.submit("echo", "x", routing_key="k" * 1025)
            task_id, _ = facade.submit("echo", bytes(16 * 1024 * 1024))  # at the limit: taken
            self.assertTrue(task_id)
            self.assertEqual(facade.unjournaled(), [])
        finally:
            facade.close(0.5)
        with self.assertRaisesRegex(ValueError, "session id 'abc' is not a UUIDv7"):
            TaskFacade.resume("abc", bootstrap="127.0.0.1:1")


if __name__ == "__main__":
    unittest.main()


class CancelWithoutBroker(unittest.TestCase):

    def test_cancel_returns_at_once_and_its_future_fails_when_the_facade_closes_first(self):
        facade = TaskFacade(bootstrap=dead_address(), config={"log_level": 0})
        task_id, _ = facade.submit("sleep", "10")
        t0 = time.monotonic()
        one = facade.cancel(task_id)
        whole = facade.cancel_session()
        self.assertLess(time.monotonic() - t0, 0.5, "cancel without a broker")
        self.assertFalse(one.done())
        facade.close(0.5)
        for f in (one, whole):
            with self.assertRaisesRegex(FacadeError, "closed before the broker confirmed the cancel request"):
                f.result(1)
        with self.assertRaisesRegex(FacadeError, "is closed"):
            facade.cancel(task_id)

    def test_a_cancel_of_something_that_is_not_a_task_id_is_refused_naming_it(self):
        facade = TaskFacade(bootstrap=dead_address(), config={"log_level": 0})
        try:
            with self.assertRaisesRegex(ValueError, "task id 'nope' is not a UUIDv7"):
                facade.cancel("nope")
        finally:
            facade.close(0.5)
