"""Every read of the partner gateway's API, as JSON-ready dicts.

The rows are shaped as the API's schemas (``partners.entrypoints.schemas``). The same
object answers the tenancy check (``gotong_platform.http.cooperative_scope``): where a
cooperative is, read from the local members directory the consumer keeps. The staff's
oversight reads are its ``oversight`` (``partners.adapters.oversight``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC
from typing import Any

import asyncpg

from gotong_platform.contracts.partner_feed import PARTNER_EVENT_SOURCE
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from partners.adapters.oversight import OversightQueries
from partners.domain import DeliveryProtocol

__all__ = ["FEED_PAGE", "PartnersQueries", "cloud_event"]

# A page of a partner's feed: its items after a position, of consents still in force (a
# revoked consent's items are withheld, even those appended before the revocation that
# the partner had not read yet). The pull feed and the webhooks read the same.
FEED_PAGE = """
SELECT position, event_id, type, dataschema, cooperative_id, business_date, time, data
FROM partner_feed f
WHERE partner_id = $1 AND position > $2
  AND EXISTS (SELECT 1 FROM consents c WHERE c.consent_id = ANY(f.consent_ids)
              AND c.revoked_at IS NULL)
ORDER BY position LIMIT $3
"""


def cloud_event(row: asyncpg.Record) -> dict[str, Any]:
    """A feed row as a CloudEvent in structured JSON mode, with its feed position: the same
    JSON whether it is pulled or pushed (times in UTC with ``Z``, as the API writes them)."""
    time = row["time"].astimezone(UTC).isoformat().replace("+00:00", "Z")
    return {"specversion": "1.0", "id": str(row["event_id"]), "source": PARTNER_EVENT_SOURCE,
            "type": row["type"], "time": time, "dataschema": row["dataschema"],
            "datacontenttype": "application/json", "subject": row["cooperative_id"],
            "cooperativeid": row["cooperative_id"],
            "businessdate": row["business_date"].isoformat(), "position": row["position"],
            "data": row["data"]}

# How many feed rows one pull page reads at most, and per statement, when a subscription
# filters them.
SCAN_MAX = 5_000
SCAN_CHUNK = 500

_SUBSCRIPTION = """
SELECT s.subscription_id, s.partner_id, s.protocol, s.sink, s.source, s.types, s.filters,
       s.http_headers, s.default_webhook, s.created_at, s.created_by, s.updated_at,
       s.version, e.enabled, e.delivered_position, e.failures, e.next_attempt_at,
       e.last_error
FROM subscriptions s LEFT JOIN webhook_endpoints e ON e.subscription_id = s.subscription_id
"""

_CONSENT = """SELECT consent_id, partner_id, cooperative_id, categories, from_date,
    include_history, until_date, granted_at, granted_by, revoked_at, revoked_by,
    revoke_reason, version FROM consents"""


class PartnersQueries:
    """The API's reads, on the API's pool (no transaction: each is one statement)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self.oversight = OversightQueries(pool)  # the dashboard's partner pages

    async def regency_of(self, cooperative_id: str) -> str | None:
        """The cooperative's regency code; None when the directory does not know it."""
        return await Directory(self._pool).regency_of(cooperative_id)

    async def partners(self) -> list[dict[str, Any]]:
        """Every registered partner, by name."""
        rows = await self._pool.fetch("SELECT * FROM partners ORDER BY name, partner_id")
        return [dict(r) for r in rows]

    async def partner(self, partner_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow("SELECT * FROM partners WHERE partner_id = $1",
                                        partner_id)
        return dict(row) if row else None

    async def signing_keys(self, partner_id: str) -> list[dict[str, Any]]:
        """Every public key registered for the partner, the newest first."""
        rows = await self._pool.fetch(
            """SELECT key_id, algorithm, bits, fingerprint, public_key_pem, registered_at,
                      registered_by, valid_until
               FROM partner_signing_keys WHERE partner_id = $1
               ORDER BY ordinal DESC""", partner_id)
        return [dict(r) for r in rows]

    async def consents(self, cooperative_id: str) -> list[dict[str, Any]]:
        """The cooperative's consents, the newest first."""
        rows = await self._pool.fetch(
            f"{_CONSENT} WHERE cooperative_id = $1 ORDER BY granted_at DESC, consent_id",
            cooperative_id)
        return [dict(r) for r in rows]

    async def consent(self, cooperative_id: str, consent_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"{_CONSENT} WHERE cooperative_id = $1 AND consent_id = $2", cooperative_id,
            consent_id)
        return dict(row) if row else None

    async def feed(self, partner_id: str, *, after: int, limit: int,
                   wanted: Callable[[Mapping[str, Any]], bool] | None = None
                   ) -> tuple[list[dict[str, Any]], int]:
        """A page of the partner's feed as CloudEvents (``FEED_PAGE``): at most ``limit``
        of those ``wanted`` selects (all when None), and the position read up to (the
        cursor of the next page). Events not selected are read past, at most
        ``SCAN_MAX`` of them per page, so a narrow subscription's page is bounded too."""
        items: list[dict[str, Any]] = []
        cursor, scanned = after, 0
        while len(items) < limit and scanned < SCAN_MAX:
            rows = await self._pool.fetch(FEED_PAGE, partner_id, cursor,
                                          limit if wanted is None else SCAN_CHUNK)
            for row in rows:
                event = cloud_event(row)
                cursor, scanned = row["position"], scanned + 1
                if wanted is None or wanted(event):
                    items.append(event)
                    if len(items) == limit:
                        break
            if len(rows) < (limit if wanted is None else SCAN_CHUNK):
                break
        return items, cursor

    async def subscriptions(self, partner_id: str) -> list[dict[str, Any]]:
        """The partner's subscriptions not deleted, the oldest first, each with where its
        webhook delivery stands (HTTP only)."""
        rows = await self._pool.fetch(
            f"{_SUBSCRIPTION} WHERE s.partner_id = $1 AND s.deleted_at IS NULL "
            "ORDER BY s.created_at, s.subscription_id", partner_id)
        return [dict(r) for r in rows]

    async def pull_selections(self, partner_id: str) -> list[dict[str, Any]]:
        """What the partner's ``GOTONG-PULL`` subscriptions select (source, types,
        filters): what the pull feed reads without ``?subscription=``, from the query
        table alone (no delivery to join: a pull subscription has none)."""
        rows = await self._pool.fetch(
            """SELECT source, types, filters FROM subscriptions
               WHERE partner_id = $1 AND protocol = $2 AND deleted_at IS NULL""",
            partner_id, DeliveryProtocol.PULL.value)
        return [dict(r) for r in rows]

    async def subscription(self, partner_id: str, subscription_id: str,
                           conn: DbConnection | None = None) -> dict[str, Any] | None:
        """The subscription with where its delivery stands; read on ``conn`` when given
        (a command's transaction answering what it has just written)."""
        row = await (conn or self._pool).fetchrow(
            f"{_SUBSCRIPTION} WHERE s.partner_id = $1 AND s.subscription_id = $2 "
            "AND s.deleted_at IS NULL", partner_id, subscription_id)
        return dict(row) if row else None

    async def webhook(self, subscription_id: str, *, attempts: int) -> dict[str, Any] | None:
        """The subscription's endpoint (never its secret), and its latest attempts."""
        row = await self._pool.fetchrow(
            """SELECT url, enabled, delivered_position, failures, failing_since,
                      next_attempt_at, last_error, updated_at
               FROM webhook_endpoints WHERE subscription_id = $1""", subscription_id)
        if row is None:
            return None
        log = await self._pool.fetch(
            """SELECT position, webhook_id::text, attempted_at, status, error
               FROM webhook_attempts WHERE subscription_id = $1
               ORDER BY attempt_id DESC LIMIT $2""",
            subscription_id, attempts)
        return {**dict(row), "attempts": [dict(r) for r in log]}
