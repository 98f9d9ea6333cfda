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
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import asyncpg
import orjson

from gotong_platform.db import DbConnection
from partners.adapters.queries import FEED_PAGE, cloud_event
from partners.domain import (
    Attempt,
    Failure,
    PendingEvent,
    Selector,
    SendOutcome,
    WebhookEndpoint,
    parse_filters,
)

__all__ = ["PostgresWebhookStore", "run_dispatcher"]

log = logging.getLogger(__name__)

# One active dispatcher per gateway database: a second process waits as a standby, so a
# partner's events are never pushed by two senders at once (order per partner).
_DISPATCHER_LOCK = 0x70617274_6E657273  # "partners"
_COLUMNS = """subscription_id, partner_id, url, secret, delivered_position, failures,
               failing_since, previous_secret, previous_until, protocol"""
# With what its subscription selects: an endpoint older than subscriptions has no
# subscription row and delivers the whole feed, as it did.
_ENDPOINT = """
SELECT e.subscription_id, e.partner_id, e.url, e.secret, e.delivered_position, e.failures,
       e.failing_since, e.previous_secret, e.previous_until, e.protocol,
       s.subscription_id IS NOT NULL AS subscribed, s.source, s.types, s.filters,
       s.http_headers
FROM webhook_endpoints e
LEFT JOIN subscriptions s ON s.subscription_id = e.subscription_id AND s.deleted_at IS NULL
"""


def _endpoint(row: asyncpg.Record) -> WebhookEndpoint:
    subscribed = row.get("subscribed", False)
    selector = Selector(source=row["source"], types=tuple(row["types"]),
                        filters=parse_filters(row["filters"])) if subscribed else None
    return WebhookEndpoint(subscription_id=row["subscription_id"],
                           partner_id=row["partner_id"], url=row["url"], secret=row["secret"],
                           delivered_position=row["delivered_position"],
                           failures=row["failures"], failing_since=row["failing_since"],
                           previous_secret=row["previous_secret"],
                           previous_until=row["previous_until"], selector=selector,
                           headers=dict(row["http_headers"]) if subscribed else {},
                           protocol=row["protocol"])


class PostgresWebhookStore:
    """The ``WebhookStore`` port; the dispatcher's reads and writes go through ``pool``."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def set_endpoint(self, conn: DbConnection, subscription_id: str, partner_id: str,
                           url: str, secret: str, from_position: int | None, now: datetime,
                           protocol: str = "HTTP") -> WebhookEndpoint:
        row = await conn.fetchrow(
            f"""INSERT INTO webhook_endpoints (subscription_id, partner_id, url, secret,
                    enabled, delivered_position, failures, failing_since, next_attempt_at,
                    last_error, updated_at, protocol)
                VALUES ($6, $1, $2, $3, true, coalesce($4, 0), 0, NULL, NULL, NULL, $5, $7)
                ON CONFLICT (subscription_id) DO UPDATE SET url = EXCLUDED.url,
                    secret = EXCLUDED.secret, previous_secret = NULL, previous_until = NULL,
                    enabled = true,
                    delivered_position = coalesce($4, webhook_endpoints.delivered_position),
                    failures = 0, failing_since = NULL, next_attempt_at = NULL,
                    last_error = NULL, updated_at = EXCLUDED.updated_at
                RETURNING {_COLUMNS}
            """, partner_id, url, secret, from_position, now, subscription_id, protocol)
        if row is None:  # an upsert returns its row
            raise RuntimeError("the webhook endpoint was not stored")
        return _endpoint(row)

    async def endpoint_disabled(self, conn: DbConnection, subscription_id: str
                                ) -> bool | None:
        enabled = await conn.fetchval(
            "SELECT enabled FROM webhook_endpoints WHERE subscription_id = $1 FOR UPDATE",
            subscription_id)
        return None if enabled is None else not enabled

    async def enable_endpoint(self, conn: DbConnection, subscription_id: str,
                              now: datetime) -> None:
        await conn.execute(
            """UPDATE webhook_endpoints SET enabled = true, failures = 0,
                   failing_since = NULL, next_attempt_at = NULL, last_error = NULL,
                   updated_at = $2
               WHERE subscription_id = $1""", subscription_id, now)

    async def move_endpoint(self, conn: DbConnection, subscription_id: str, url: str,
                            now: datetime) -> None:
        await conn.execute(
            """UPDATE webhook_endpoints SET url = $2, enabled = true, failures = 0,
                   failing_since = NULL, next_attempt_at = NULL, last_error = NULL,
                   updated_at = $3
               WHERE subscription_id = $1""", subscription_id, url, now)

    async def kafka_user_exists(self, conn: DbConnection, partner_id: str) -> bool:
        return bool(await conn.fetchval(
            "SELECT true FROM partner_kafka_users WHERE partner_id = $1", partner_id))

    async def kafka_password_set(self, conn: DbConnection, partner_id: str, username: str,
                                 now: datetime) -> None:
        await conn.execute(
            """INSERT INTO partner_kafka_users (partner_id, username, created_at,
                   password_set_at) VALUES ($1, $2, $3, $3)
               ON CONFLICT (partner_id) DO UPDATE SET password_set_at = EXCLUDED.password_set_at
            """, partner_id, username, now)

    async def remove_endpoint(self, conn: DbConnection, subscription_id: str) -> None:
        await conn.execute("DELETE FROM webhook_endpoints WHERE subscription_id = $1",
                           subscription_id)

    async def rotate_secret(self, conn: DbConnection, subscription_id: str, partner_id: str,
                            secret: str, previous_until: datetime, now: datetime
                            ) -> WebhookEndpoint | None:
        row = await conn.fetchrow(
            f"""UPDATE webhook_endpoints SET previous_secret = secret,
                    previous_until = $4, secret = $3, updated_at = $5
                WHERE subscription_id = $1 AND partner_id = $2 RETURNING {_COLUMNS}""",
            subscription_id, partner_id, secret, previous_until, now)
        return None if row is None else _endpoint(row)

    async def due(self, now: datetime) -> list[WebhookEndpoint]:
        rows = await self._pool.fetch(
            f"""{_ENDPOINT} WHERE e.enabled
                AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= $1)
                ORDER BY e.partner_id, e.subscription_id""", now)
        return [_endpoint(r) for r in rows]

    async def pending(self, partner_id: str, after: int, limit: int) -> list[PendingEvent]:
        rows = await self._pool.fetch(FEED_PAGE, partner_id, after, limit)
        events = [(r, cloud_event(r)) for r in rows]
        return [PendingEvent(position=r["position"], webhook_id=r["event_id"],
                             body=orjson.dumps(event), event=event) for r, event in events]

    async def settle(self, endpoint: WebhookEndpoint, attempts: Sequence[Attempt],
                     position: int, failure: Failure | None, now: datetime) -> None:
        # One transaction (one commit) per batch, not per event: the attempts in one
        # statement, numbered in the order they were made (the log reads them back by
        # attempt_id).
        async with self._pool.acquire() as conn, conn.transaction():
            if attempts:
                await conn.execute(
                    """INSERT INTO webhook_attempts (subscription_id, partner_id, position,
                           webhook_id, attempted_at, status, error)
                       SELECT $1, $2, a.position, a.webhook_id, $3, a.status, a.error
                       FROM unnest($4::bigint[], $5::uuid[], $6::integer[], $7::text[])
                            WITH ORDINALITY AS a(position, webhook_id, status, error, n)
                       ORDER BY a.n""",
                    endpoint.subscription_id, endpoint.partner_id, now,
                    [a.event.position for a in attempts],
                    [a.event.webhook_id for a in attempts],
                    [a.outcome.status for a in attempts],
                    [_error(a.outcome) for a in attempts])
            if failure is None:
                await conn.execute(
                    """UPDATE webhook_endpoints SET delivered_position = greatest(
                           delivered_position, $2), failures = 0, failing_since = NULL,
                           next_attempt_at = NULL, last_error = NULL, updated_at = $3
                       WHERE subscription_id = $1""",
                    endpoint.subscription_id, position, now)
                return
            await conn.execute(
                """UPDATE webhook_endpoints SET delivered_position = greatest(
                       delivered_position, $2), failures = $3, failing_since = $4,
                       next_attempt_at = $5, enabled = NOT $6, last_error = $7,
                       updated_at = $8
                   WHERE subscription_id = $1""",
                endpoint.subscription_id, position, failure.failures,
                failure.failing_since, failure.next_attempt_at, failure.disabled,
                _error(attempts[-1].outcome) if attempts else None, now)


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
