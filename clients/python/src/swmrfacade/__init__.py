"""swmr-facade for Python: submit tasks that never block and collect exactly one result per task,
through Kafka (``TaskFacade``), and follow a writer node's HDF5 file live (``swmrfacade.file``).
The wire contract is docs/PROTOCOL.md."""

import logging

from .facade import TaskFacade
from .model import CollectResult, FacadeError, FacadeStats, SubmitRejected, TaskResult, TaskStatus

__all__ = ["TaskFacade", "CollectResult", "FacadeError", "FacadeStats", "SubmitRejected", "TaskResult", "TaskStatus"]
__version__ = "0.1.0"

# A library brings no logging setup of its own: the application decides where "swmrfacade" goes.
logging.getLogger("swmrfacade").addHandler(logging.NullHandler())
