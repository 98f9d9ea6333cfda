"""Retrying a unit of work that lost an optimistic-concurrency race, inside a transaction.

An offline fact or a consumed event is not a request a client can simply repeat: a
refusal is recorded for good, or the event is dead-lettered. When another writer
appended to a ledger first, the work is retried in a fresh savepoint; under READ
COMMITTED the retry's reads see the winner's committed events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict

__all__ = ["retry_on_conflict"]

_T = TypeVar("_T")


async def retry_on_conflict(
    conn: DbConnection, work: Callable[[], Awaitable[_T]], *, attempts: int = 3
) -> _T:
    """``work()`` in a savepoint, again (up to ``attempts`` in all) while it loses a race."""
    for _ in range(attempts - 1):
        try:
            async with conn.transaction():  # a savepoint: a lost race undoes only this try
                return await work()
        except ConcurrencyConflict:
            continue
    async with conn.transaction():
        return await work()
