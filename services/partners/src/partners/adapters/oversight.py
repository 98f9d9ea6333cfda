"""The staff's oversight reads (``GET /oversight/...``): partners, consents and how each
subscription's delivery stands, for the federation office or for one cooperative.

``cooperative_id`` None reads for the federation office (everything); a cooperative's id
reads for its admin: the partners that hold or held a consent of that cooperative, its
own consents only, and each subscription's delivery as far as that cooperative's events
go (its events pending, delivered, failed), never another cooperative's. Every read is a
page (``offset``, ``limit``) and its ``total``; the counts of pending events stop at
``PENDING_SCAN`` (the answer says when it stopped), so a partner with a backlog of
millions costs one bounded index range.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

__all__ = ["PENDING_SCAN", "OversightQueries"]

# How many pending feed events are counted at most, per subscription.
PENDING_SCAN = 10_000
# How far back among a cooperative's own feed events the last one delivered is looked
# for (a subscription whose filters pass over every one of them answers none).
DELIVERED_SCAN = 1_000

_CONSENTS_IN_SCOPE = "($1::text IS NULL OR c.cooperative_id = $1)"

_PARTNERS = f"""
WITH scoped AS (
    SELECT c.partner_id,
           count(*) FILTER (WHERE c.revoked_at IS NULL) AS consents_in_force,
           count(*) FILTER (WHERE c.revoked_at IS NOT NULL) AS consents_revoked,
           count(DISTINCT c.cooperative_id) FILTER (WHERE c.revoked_at IS NULL)
               AS cooperatives_in_force
    FROM consents c WHERE {_CONSENTS_IN_SCOPE} GROUP BY c.partner_id
), endpoints AS (
    SELECT partner_id, count(*) AS webhooks, count(*) FILTER (WHERE NOT enabled) AS disabled,
           count(*) FILTER (WHERE enabled AND failures > 0) AS failing
    FROM webhook_endpoints GROUP BY partner_id
)
SELECT p.partner_id, p.name, p.kind, p.registered_at,
       coalesce(c.consents_in_force, 0) AS consents_in_force,
       coalesce(c.consents_revoked, 0) AS consents_revoked,
       coalesce(c.cooperatives_in_force, 0) AS cooperatives_in_force,
       coalesce(w.webhooks, 0) AS webhooks, coalesce(w.disabled, 0) AS disabled,
       coalesce(w.failing, 0) AS failing
FROM partners p
LEFT JOIN scoped c ON c.partner_id = p.partner_id
LEFT JOIN endpoints w ON w.partner_id = p.partner_id
WHERE $1::text IS NULL OR c.partner_id IS NOT NULL
"""

_CONSENTS_WHERE = f"""
WHERE {_CONSENTS_IN_SCOPE} AND ($2::text IS NULL OR c.partner_id = $2)
  AND ($3 = 'all' OR ($3 = 'in_force') = (c.revoked_at IS NULL))
"""
_CONSENTS = f"""
SELECT c.consent_id, c.partner_id, p.name AS partner_name, p.kind AS partner_kind,
       c.cooperative_id, d.name AS cooperative_name, c.categories, c.from_date,
       c.include_history, c.until_date, c.granted_at, c.granted_by, c.revoked_at,
       c.revoked_by, c.revoke_reason, c.version
FROM consents c JOIN partners p ON p.partner_id = c.partner_id
LEFT JOIN directory_cooperatives d ON d.cooperative_id = c.cooperative_id
{_CONSENTS_WHERE}
ORDER BY c.granted_at DESC, c.consent_id
OFFSET $4 LIMIT $5
"""

# Every subscription not deleted, and every endpoint older than subscriptions (migration
# 0004: it has no subscription row and is the partner's default webhook), of the
# partners in scope: a cooperative admin's are those holding or having held its consent.
_SUBSCRIPTIONS = """
WITH subs AS (
    SELECT coalesce(s.subscription_id, e.subscription_id) AS subscription_id,
           coalesce(s.partner_id, e.partner_id) AS partner_id,
           coalesce(s.protocol, 'HTTP') AS protocol, coalesce(e.url, s.sink) AS sink,
           coalesce(s.default_webhook, true) AS default_webhook, s.types, s.created_at,
           e.enabled, e.delivered_position, e.failures, e.failing_since,
           e.next_attempt_at, e.last_error, e.updated_at
    FROM (SELECT * FROM subscriptions WHERE deleted_at IS NULL) s
    FULL JOIN webhook_endpoints e ON e.subscription_id = s.subscription_id
)
SELECT x.*, p.name AS partner_name, p.kind AS partner_kind
FROM subs x JOIN partners p ON p.partner_id = x.partner_id
WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM consents c WHERE
           c.partner_id = x.partner_id AND c.cooperative_id = $1))
  AND ($2::text IS NULL OR x.partner_id = $2)
"""

# The page of subscriptions ($3 offset, $4 limit) with each one's delivery figures, in
# one statement (a LATERAL subquery per figure, run per row of the page only): the last
# delivered event (the federation office's: the subscription's last accepted attempt; a
# cooperative's, $1, the last of its own events delivered, looked for among its
# DELIVERED_SCAN latest events up to the delivered position); the feed events after the
# delivered position still served (their consent in force, as the dispatcher reads them:
# ``FEED_PAGE``; the cooperative's only when $1 is set; counted up to PENDING_SCAN + 1; the
# subscription's filters may pass over some of them: the count is what is left to go
# through); the failed attempts since $5 (of the cooperative's events only when $1 is
# set). A pull subscription (no delivered position) gets none of them.
_DELIVERIES = f"""
WITH page AS (
    {_SUBSCRIPTIONS}
    ORDER BY p.name, x.partner_id, x.default_webhook DESC, x.subscription_id
    OFFSET $3 LIMIT $4
)
SELECT pg.*,
       coalesce(la.position, lo.position) AS last_position,
       coalesce(la.webhook_id, lo.webhook_id) AS last_webhook_id,
       coalesce(la.attempted_at, lo.attempted_at) AS last_attempted_at,
       coalesce(la.type, lo.type) AS last_type, coalesce(la.time, lo.time) AS last_time,
       pe.n AS pending_count, fa.n AS failed_count
FROM page pg
LEFT JOIN LATERAL (
    SELECT a.position, a.webhook_id::text AS webhook_id, a.attempted_at, f.type, f.time
    FROM webhook_attempts a
    JOIN partner_feed f ON f.partner_id = a.partner_id AND f.position = a.position
    WHERE $1::text IS NULL AND pg.delivered_position IS NOT NULL
      AND a.subscription_id = pg.subscription_id AND a.error IS NULL
    ORDER BY a.position DESC, a.attempt_id DESC LIMIT 1) la ON true
LEFT JOIN LATERAL (
    SELECT f.position, a.webhook_id::text AS webhook_id, a.attempted_at, f.type, f.time
    FROM (SELECT position, type, time FROM partner_feed
          WHERE $1::text IS NOT NULL AND pg.delivered_position IS NOT NULL
            AND partner_id = pg.partner_id AND cooperative_id = $1
            AND position <= pg.delivered_position
          ORDER BY position DESC LIMIT {DELIVERED_SCAN}) f
    CROSS JOIN LATERAL (
        SELECT webhook_id, attempted_at FROM webhook_attempts
        WHERE subscription_id = pg.subscription_id AND position = f.position
          AND error IS NULL
        ORDER BY attempt_id DESC LIMIT 1) a
    ORDER BY f.position DESC LIMIT 1) lo ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n FROM (
        SELECT 1 FROM partner_feed f
        WHERE pg.delivered_position IS NOT NULL AND f.partner_id = pg.partner_id
          AND f.position > pg.delivered_position
          AND ($1::text IS NULL OR f.cooperative_id = $1)
          AND EXISTS (SELECT 1 FROM consents k WHERE k.consent_id = ANY(f.consent_ids)
                      AND k.revoked_at IS NULL)
        LIMIT {PENDING_SCAN + 1}) q) pe ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n FROM webhook_attempts a
    WHERE pg.delivered_position IS NOT NULL AND a.subscription_id = pg.subscription_id
      AND a.error IS NOT NULL AND a.attempted_at > $5
      AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM partner_feed f
           WHERE f.partner_id = pg.partner_id AND f.position = a.position
             AND f.cooperative_id = $1))) fa ON true
ORDER BY pg.partner_name, pg.partner_id, pg.default_webhook DESC, pg.subscription_id
"""
_LAST = ("position", "webhook_id", "attempted_at", "type", "time")
_FIGURES = frozenset({*(f"last_{name}" for name in _LAST), "pending_count", "failed_count"})


class OversightQueries:
    """The oversight reads, on the API's pool: each page in one repeatable-read snapshot,
    so its ``total`` and its rows agree."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def partners(self, cooperative_id: str | None, *, offset: int, limit: int
                       ) -> tuple[list[dict[str, Any]], int]:
        async with self._pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            total = await conn.fetchval(f"SELECT count(*) FROM ({_PARTNERS}) q",
                                        cooperative_id)
            rows = await conn.fetch(
                f"{_PARTNERS} ORDER BY p.name, p.partner_id OFFSET $2 LIMIT $3",
                cooperative_id, offset, limit)
        return [dict(r) for r in rows], int(total)

    async def consents(self, cooperative_id: str | None, partner_id: str | None, state: str,
                       *, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        async with self._pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            total = await conn.fetchval(
                f"SELECT count(*) FROM consents c {_CONSENTS_WHERE}", cooperative_id,
                partner_id, state)
            rows = await conn.fetch(_CONSENTS, cooperative_id, partner_id, state, offset,
                                    limit)
        return [dict(r) for r in rows], int(total)

    async def deliveries(self, cooperative_id: str | None, partner_id: str | None, *,
                         since: datetime, offset: int, limit: int
                         ) -> tuple[list[dict[str, Any]], int]:
        """Each subscription of the page with its delivery figures: the last event
        delivered (position, id, type, when), the events pending after the delivered
        position (at most ``PENDING_SCAN`` counted) and the failed attempts since
        ``since``; a pull subscription has none of them."""
        async with self._pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            total = await conn.fetchval(f"SELECT count(*) FROM ({_SUBSCRIPTIONS}) q",
                                        cooperative_id, partner_id)
            rows = await conn.fetch(_DELIVERIES, cooperative_id, partner_id, offset, limit,
                                    since)
        return [_delivery(row) for row in rows], int(total)


def _delivery(row: asyncpg.Record) -> dict[str, Any]:
    """A subscription's row with its figures as the API answers them."""
    item = {k: v for k, v in row.items() if k not in _FIGURES}
    if row["delivered_position"] is None:  # a pull subscription
        return {**item, "last_delivered": None, "pending": None, "pending_capped": False,
                "failed_24h": None}
    pending = int(row["pending_count"])
    last = None if row["last_position"] is None else {
        name: row[f"last_{name}"] for name in _LAST}
    return {**item, "last_delivered": last, "pending": min(pending, PENDING_SCAN),
            "pending_capped": pending > PENDING_SCAN, "failed_24h": int(row["failed_count"])}

