"""Is this error an outage (the database or the broker is away), or a fault of ours?

An outage passes: the request or the event is fine and must be tried again later (an
API answers 503 with ``Retry-After``; a relay or consumer backs off and reconnects). A
fault does not pass by waiting, so it is not hidden behind a retry.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from aiokafka import errors as kafka_errors

__all__ = ["database_unavailable", "is_outage", "kafka_unavailable"]

# The database is away, restarting or full: what was asked of it is not at fault.
_DATABASE_AWAY = (
    asyncpg.PostgresConnectionError,  # connection lost, refused by the server
    asyncpg.InterfaceError,  # "connection is closed", "pool is closing"
    asyncpg.CannotConnectNowError,  # starting up, shutting down, in recovery
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    # asyncio's "Connect call failed" and "Multiple exceptions" on connect; an API or a
    # relay does no other I/O that could raise an OSError.
    OSError,
    TimeoutError,  # no connection within the pool's timeout
)
_KAFKA_AWAY = (
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.NoBrokersAvailable,
    kafka_errors.NodeNotReadyError,
    kafka_errors.RequestTimedOutError,
)


def _in_chain(exc: BaseException, matches: Callable[[BaseException], bool]) -> bool:
    seen: BaseException | None = exc
    for _ in range(5):  # a short cause chain: a wrapped error still counts
        if seen is None:
            return False
        if matches(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database cannot be reached now."""
    return _in_chain(exc, lambda seen: isinstance(seen, _DATABASE_AWAY))


def kafka_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the broker cannot be reached now."""
    return _in_chain(exc, lambda seen: isinstance(seen, _KAFKA_AWAY) or (
        isinstance(seen, kafka_errors.KafkaError) and seen.retriable))


def is_outage(exc: BaseException) -> bool:
    """The database or the broker is away: wait and try again."""
    return database_unavailable(exc) or kafka_unavailable(exc)
