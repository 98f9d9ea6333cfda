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

from gotong_platform.db import DbConnection

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

# A subscription's delivery figures. The federation office's last delivered event is the
# subscription's last accepted attempt ($1 the subscription); a cooperative's, the last of
# its own events delivered ($1 the cooperative, $2 the subscription, $3 the partner, $4
# the delivered position).
_LAST_DELIVERED_ALL = """
SELECT a.position, a.webhook_id::text, a.attempted_at, f.type, f.time
FROM webhook_attempts a
JOIN partner_feed f ON f.partner_id = a.partner_id AND f.position = a.position
WHERE a.subscription_id = $1 AND a.error IS NULL
ORDER BY a.position DESC, a.attempt_id DESC LIMIT 1
"""
_LAST_DELIVERED_OF = f"""
SELECT a.position, a.webhook_id::text, a.attempted_at, f.type, f.time
FROM (SELECT position, type, time FROM partner_feed
      WHERE partner_id = $3 AND cooperative_id = $1 AND position <= $4
      ORDER BY position DESC LIMIT {DELIVERED_SCAN}) f
CROSS JOIN LATERAL (
    SELECT position, webhook_id, attempted_at FROM webhook_attempts
    WHERE subscription_id = $2 AND position = f.position AND error IS NULL
    ORDER BY attempt_id DESC LIMIT 1) a
ORDER BY f.position DESC LIMIT 1
"""
# The feed events after the delivered position that are still served (their consent in
# force, as the dispatcher reads them: ``FEED_PAGE``), of the cooperative $1 when not
# NULL; $2 the partner, $3 the delivered position. The subscription's filters may pass
# over some of them: the count is what is left to go through.
_PENDING = f"""
SELECT count(*) FROM (
    SELECT 1 FROM partner_feed f
    WHERE f.partner_id = $2 AND f.position > $3
      AND ($1::text IS NULL OR f.cooperative_id = $1)
      AND EXISTS (SELECT 1 FROM consents k WHERE k.consent_id = ANY(f.consent_ids)
                  AND k.revoked_at IS NULL)
    LIMIT {PENDING_SCAN + 1}) q
"""
# Failed attempts since $4 of subscription $2 (partner $3), of cooperative $1's events
# only when not NULL.
_FAILED = """
SELECT count(*) FROM webhook_attempts a
WHERE a.subscription_id = $2 AND a.error IS NOT NULL AND a.attempted_at > $4
  AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM partner_feed f
       WHERE f.partner_id = $3 AND f.position = a.position AND f.cooperative_id = $1))
"""


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
            rows = await conn.fetch(
                f"{_SUBSCRIPTIONS} ORDER BY p.name, x.partner_id, x.default_webhook DESC, "
                "x.subscription_id OFFSET $3 LIMIT $4", cooperative_id, partner_id, offset,
                limit)
            items = []
            for row in rows:
                item = dict(row)
                item.update(last_delivered=None, pending=None, pending_capped=False,
                            failed_24h=None)
                if row["delivered_position"] is not None:  # an HTTP endpoint
                    item.update(await _delivery(conn, cooperative_id, row, since))
                items.append(item)
        return items, int(total)


async def _delivery(conn: DbConnection, cooperative_id: str | None, row: asyncpg.Record,
                    since: datetime) -> dict[str, Any]:
    subscription, partner = row["subscription_id"], row["partner_id"]
    delivered = row["delivered_position"]
    if cooperative_id is None:
        last = await conn.fetchrow(_LAST_DELIVERED_ALL, subscription)
    else:
        last = await conn.fetchrow(_LAST_DELIVERED_OF, cooperative_id, subscription, partner,
                                   delivered)
    pending = int(await conn.fetchval(_PENDING, cooperative_id, partner, delivered))
    failed = int(await conn.fetchval(_FAILED, cooperative_id, subscription, partner, since))
    return {"last_delivered": None if last is None else dict(last),
            "pending": min(pending, PENDING_SCAN), "pending_capped": pending > PENDING_SCAN,
            "failed_24h": failed}
