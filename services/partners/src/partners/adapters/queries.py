"""Every read of the partner gateway's API, as JSON-ready dicts.

The rows are shaped as the API's schemas (``partners.entrypoints.schemas``). The same
object answers the tenancy check (``gotong_platform.http.cooperative_scope``): where a
cooperative is, read from the local members directory the consumer keeps.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import asyncpg

from gotong_platform.contracts.partner_feed import PARTNER_EVENT_SOURCE
from gotong_platform.directory import Directory

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

_CONSENT = """SELECT consent_id, partner_id, cooperative_id, categories, from_date,
    include_history, until_date, granted_at, granted_by, revoked_at, revoked_by,
    revoke_reason, version FROM consents"""


class PartnersQueries:
    """The API's reads, on the API's pool (no transaction: each is one statement)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

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

    async def feed(self, partner_id: str, *, after: int, limit: int) -> list[dict[str, Any]]:
        """A page of the partner's feed as CloudEvents (``FEED_PAGE``)."""
        rows = await self._pool.fetch(FEED_PAGE, partner_id, after, limit)
        return [cloud_event(r) for r in rows]

    async def webhook(self, partner_id: str, *, attempts: int) -> dict[str, Any] | None:
        """The partner's endpoint (never its secret), and its latest delivery attempts."""
        row = await self._pool.fetchrow(
            """SELECT url, enabled, delivered_position, failures, failing_since,
                      next_attempt_at, last_error, updated_at
               FROM webhook_endpoints WHERE partner_id = $1""", partner_id)
        if row is None:
            return None
        log = await self._pool.fetch(
            """SELECT position, webhook_id::text, attempted_at, status, error
               FROM webhook_attempts WHERE partner_id = $1 ORDER BY attempt_id DESC LIMIT $2""",
            partner_id, attempts)
        return {**dict(row), "attempts": [dict(r) for r in log]}
