"""The client's TaskStatus names every status of the wire format, with the same number."""

import unittest

from swmrfacade.model import TaskStatus
from swmrfacade.v1 import swmrfacade_pb2 as pb


class StatusNumbers(unittest.TestCase):

    def test_every_wire_status_has_its_client_status(self):
        for value in pb.TaskStatus.DESCRIPTOR.values:
            if value.number == 0:
                continue
            self.assertIs(TaskStatus.of_wire(value.number), TaskStatus[value.name], value.name)

    def test_cancelled_reads_as_cancelled_and_does_not_succeed(self):
        self.assertIs(TaskStatus.of_wire(pb.CANCELLED), TaskStatus.CANCELLED)
        self.assertFalse(TaskStatus.CANCELLED.succeeded)
        self.assertIs(TaskStatus.of_wire(99), TaskStatus.FAILED)


if __name__ == "__main__":
    unittest.main()
