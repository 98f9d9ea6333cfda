"""Running a command: one transaction for the idempotency key, the events and the answer.

The Idempotency-Key row, the appended events (with their outbox rows) and the
stored response commit together or not at all. A refused command (a domain
error) rolls everything back, so the key stays free and a corrected retry runs.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from starlette.responses import JSONResponse

from gotong_platform.db import DbConnection
from gotong_platform.http.idempotency import IdempotencyRequest, begin, complete, replay_response
from gotong_platform.ids import uuid7
from gotong_platform.telemetry.tracing import current_trace_headers

__all__ = ["CommandMeta", "execute_command"]


@dataclasses.dataclass(frozen=True, slots=True)
class CommandMeta:
    """Who sent the command and within which flow: copied onto every event it makes."""

    actor: str
    command_id: str
    correlation_id: uuid.UUID
    traceparent: str | None
    tracestate: str | None

    @classmethod
    def current(cls, *, actor: str, command_id: str, correlation: str | None) -> CommandMeta:
        traceparent, tracestate = current_trace_headers()
        try:
            correlation_id = uuid.UUID(correlation) if correlation else uuid7()
        except ValueError:
            correlation_id = uuid7()
        return cls(actor=actor, command_id=command_id, correlation_id=correlation_id,
                   traceparent=traceparent, tracestate=tracestate)


Work = Callable[[DbConnection], Awaitable[tuple[int, Any]]]


async def execute_command(
    pool: asyncpg.Pool, *, scope: str, idempotency: IdempotencyRequest, work: Work
) -> JSONResponse:
    """Run ``work`` (returns status and JSON body) at most once per key within ``scope``."""
    async with pool.acquire() as conn, conn.transaction():
        stored = await begin(conn, scope, idempotency.key, idempotency.request_hash)
        if stored is not None:
            return replay_response(stored)
        status, body = await work(conn)
        await complete(conn, scope, idempotency.key, status, body)
    return JSONResponse(body, status_code=status)
