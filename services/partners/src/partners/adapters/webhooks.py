"""The partners' webhook endpoints, their pending events and the delivery log, on
PostgreSQL; and the dispatcher's single-active lock.

An endpoint's secret is kept here and in no event: the event store keeps everything
forever, a secret must be replaceable. Every attempt is logged (``webhook_attempts``),
which the partner reads back (``GET /partner/webhook``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg
import orjson

from gotong_platform.db import DbConnection
from partners.adapters.queries import FEED_PAGE, cloud_event
from partners.domain import Failure, PendingEvent, SendOutcome, WebhookEndpoint

__all__ = ["PostgresWebhookStore", "run_dispatcher"]

log = logging.getLogger(__name__)

# One active dispatcher per gateway database: a second process waits as a standby, so a
# partner's events are never pushed by two senders at once (order per partner).
_DISPATCHER_LOCK = 0x70617274_6E657273  # "partners"
_COLUMNS = """partner_id, url, secret, delivered_position, failures, failing_since,
               previous_secret, previous_until"""
_ENDPOINT = f"SELECT {_COLUMNS} FROM webhook_endpoints"


def _endpoint(row: asyncpg.Record) -> WebhookEndpoint:
    return WebhookEndpoint(partner_id=row["partner_id"], url=row["url"], secret=row["secret"],
                           delivered_position=row["delivered_position"],
                           failures=row["failures"], failing_since=row["failing_since"],
                           previous_secret=row["previous_secret"],
                           previous_until=row["previous_until"])


class PostgresWebhookStore:
    """The ``WebhookStore`` port; the dispatcher's reads and writes go through ``pool``."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def set_endpoint(self, conn: DbConnection, partner_id: str, url: str, secret: str,
                           from_position: int | None, now: datetime) -> WebhookEndpoint:
        row = await conn.fetchrow(
            f"""INSERT INTO webhook_endpoints (partner_id, url, secret, enabled,
                    delivered_position, failures, failing_since, next_attempt_at,
                    last_error, updated_at)
                VALUES ($1, $2, $3, true, coalesce($4, 0), 0, NULL, NULL, NULL, $5)
                ON CONFLICT (partner_id) DO UPDATE SET url = EXCLUDED.url,
                    secret = EXCLUDED.secret, previous_secret = NULL, previous_until = NULL,
                    enabled = true,
                    delivered_position = coalesce($4, webhook_endpoints.delivered_position),
                    failures = 0, failing_since = NULL, next_attempt_at = NULL,
                    last_error = NULL, updated_at = EXCLUDED.updated_at
                RETURNING {_COLUMNS}
            """, partner_id, url, secret, from_position, now)
        if row is None:  # an upsert returns its row
            raise RuntimeError("the webhook endpoint was not stored")
        return _endpoint(row)

    async def rotate_secret(self, conn: DbConnection, partner_id: str, secret: str,
                            previous_until: datetime, now: datetime) -> WebhookEndpoint | None:
        row = await conn.fetchrow(
            f"""UPDATE webhook_endpoints SET previous_secret = secret,
                    previous_until = $3, secret = $2, updated_at = $4
                WHERE partner_id = $1 RETURNING {_COLUMNS}""",
            partner_id, secret, previous_until, now)
        return None if row is None else _endpoint(row)

    async def due(self, now: datetime) -> list[WebhookEndpoint]:
        rows = await self._pool.fetch(
            f"""{_ENDPOINT} WHERE enabled AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
                ORDER BY partner_id""", now)
        return [_endpoint(r) for r in rows]

    async def pending(self, partner_id: str, after: int, limit: int) -> list[PendingEvent]:
        rows = await self._pool.fetch(FEED_PAGE, partner_id, after, limit)
        return [PendingEvent(position=r["position"], webhook_id=r["event_id"],
                             body=orjson.dumps(cloud_event(r))) for r in rows]

    async def delivered(self, partner_id: str, event: PendingEvent, outcome: SendOutcome,
                        now: datetime) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await self._log(conn, partner_id, event, outcome, now)
            await conn.execute(
                """UPDATE webhook_endpoints SET delivered_position = greatest(
                       delivered_position, $2), failures = 0, failing_since = NULL,
                       next_attempt_at = NULL, last_error = NULL, updated_at = $3
                   WHERE partner_id = $1""", partner_id, event.position, now)

    async def failed(self, partner_id: str, event: PendingEvent, outcome: SendOutcome,
                     failure: Failure, now: datetime) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await self._log(conn, partner_id, event, outcome, now)
            await conn.execute(
                """UPDATE webhook_endpoints SET failures = $2, failing_since = $3,
                       next_attempt_at = $4, enabled = NOT $5, last_error = $6,
                       updated_at = $7
                   WHERE partner_id = $1""",
                partner_id, failure.failures, failure.failing_since, failure.next_attempt_at,
                failure.disabled, _error(outcome), now)

    @staticmethod
    async def _log(conn: DbConnection, partner_id: str, event: PendingEvent,
                   outcome: SendOutcome, now: datetime) -> None:
        await conn.execute(
            """INSERT INTO webhook_attempts (partner_id, position, webhook_id, attempted_at,
                   status, error) VALUES ($1, $2, $3, $4, $5, $6)""",
            partner_id, event.position, event.webhook_id, now, outcome.status, _error(outcome))


def _error(outcome: SendOutcome) -> str | None:
    if outcome.accepted:
        return None
    return (outcome.error or f"HTTP {outcome.status}")[:500]


async def run_dispatcher(pool: asyncpg.Pool, run_once: Callable[[], Awaitable[int]],
                         stopping: asyncio.Event, *, poll_s: float = 1.0) -> None:
    """Until ``stopping`` is set: wait to be the one active dispatcher (a session lock), then
    run ``run_once`` every ``poll_s`` (at once again while it still finds events)."""
    async with pool.acquire() as conn:
        while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _DISPATCHER_LOCK):
            if await _stopped(stopping, poll_s):
                return
        log.info("webhook dispatcher is active")
        try:
            while not stopping.is_set():
                try:
                    busy = await run_once() > 0
                except (OSError, asyncpg.PostgresError):
                    log.exception("webhook dispatch failed; trying again")
                    busy = False
                if not busy and await _stopped(stopping, poll_s):
                    return
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _DISPATCHER_LOCK)


async def _stopped(stopping: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds``; whether ``stopping`` was set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
    return stopping.is_set()
