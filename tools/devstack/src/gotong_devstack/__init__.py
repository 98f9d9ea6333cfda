"""gotong-devstack: the project's local PostgreSQL + Kafka, for development, tests and CI.

Python callers (test fixtures) use `ensure_stack()`; people use the `gotong-stack` command.
"""

from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.settings import KAFKA_VERSION
from gotong_devstack.stack import StackInfo, ensure_stack

__all__ = ["KAFKA_VERSION", "PrerequisiteError", "StackError", "StackInfo", "ensure_stack"]
