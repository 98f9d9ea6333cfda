"""Running a command: one transaction for the idempotency key, the events and the answer.

The Idempotency-Key row, the appended events (with their outbox rows) and the
stored response commit together or not at all. A refused command (a domain
error) rolls everything back, so the key stays free and a corrected retry runs.

The key is claimed and its response stored in ONE statement at the end of the
transaction (``record_response``), not claimed first and completed last: one round
trip fewer per command. A replay therefore runs the command again, finds the key
taken, rolls back and answers the stored response; a replay that fails (its first run
changed what it reads: the stock is gone, the stream moved on) looks the key up before
answering the failure. A concurrent duplicate waits on the first's key at the end and
then does the same, so effects still commit exactly once.

A command that loses an optimistic-concurrency race (``ConcurrencyConflict``: another
writer appended to its stream between its read and its append) committed nothing, so
it is run again, re-reading and re-deciding, a few times with a jittered pause before a
409 reaches the client: a clerk should not have to retry blindly what the server can
retry safely. A run that decides differently the second time (the balance is gone now)
answers that decision, as the client's own retry would have.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from starlette.responses import JSONResponse

from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.http.idempotency import (
    IdempotencyKeyReused,
    IdempotencyRequest,
    record_response,
    replay_response,
    stored_response,
)
from gotong_platform.provenance import CommandMeta

__all__ = ["CONFLICT_RETRIES", "CommandMeta", "execute_command"]

# Runs after the first that a lost race gets before its 409 (a pause of up to
# 5, 10, 20, 40 ms between them: the writers that collided do not come back in step).
CONFLICT_RETRIES = 4
_CONFLICT_PAUSE_S = 0.005


Work = Callable[[DbConnection], Awaitable[tuple[int, Any]]]


async def execute_command(
    pool: asyncpg.Pool, *, scope: str, idempotency: IdempotencyRequest, work: Work
) -> JSONResponse:
    """Run ``work`` (returns status and JSON body) at most once per key within ``scope``;
    again, up to ``CONFLICT_RETRIES`` times, while it loses a concurrency race."""
    for retry in range(CONFLICT_RETRIES):
        try:
            return await _execute_once(pool, scope, idempotency, work)
        except ConcurrencyConflict:
            await asyncio.sleep(random.uniform(0, _CONFLICT_PAUSE_S * 2 ** retry))  # noqa: S311
    return await _execute_once(pool, scope, idempotency, work)


async def _execute_once(
    pool: asyncpg.Pool, scope: str, idempotency: IdempotencyRequest, work: Work
) -> JSONResponse:
    key, digest = idempotency.key, idempotency.request_hash
    async with pool.acquire() as conn:
        try:
            async with conn.transaction():
                status, body = await work(conn)
                if await record_response(conn, scope, key, digest, status, body):
                    return JSONResponse(body, status_code=status)
                raise _KeyTaken  # roll back this run's effects; answer the first one's
        except _KeyTaken:
            pass
        except Exception as failure:
            # A replay (or a duplicate that lost a race) may fail where its first run
            # succeeded: the answer is the stored one, if the key was used.
            try:
                stored = await stored_response(conn, scope, key, digest)
            except IdempotencyKeyReused:
                raise
            except Exception:
                raise failure from None
            if stored is None:
                raise
            return replay_response(stored)
        stored = await stored_response(conn, scope, key, digest)
    if stored is None:  # only if the key was deleted in between (key expiry)
        raise RuntimeError("idempotency key vanished while replaying it; retry the request")
    return replay_response(stored)


class _KeyTaken(Exception):  # control flow: never leaves execute_command
    """The key was used by a committed transaction: this run is a replay."""
