"""The archive of mappable events and the partners' feeds, on PostgreSQL.

A partner's feed is numbered by its own dense sequence (``position``): the next numbers
are taken from the partner's row in ``partner_feed_heads``, which its writer keeps locked
until it commits. So a partner's positions become visible in order: a reader that saw
position N never later finds a new row below N (commit order is sequence order per
partner, which a global identity column would not give), and ``after=N`` is a safe
cursor. Partners are locked in id order, so two writers never wait on each other in a
cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from gotong_platform.db import DbConnection
from partners.domain import Category, Consent, Fact, FeedItem, SourceEvent

__all__ = ["PostgresFeeds"]

_CONSENTS_IN_FORCE = """
SELECT consent_id, partner_id, cooperative_id, categories, from_date, include_history,
       until_date, granted_at, granted_by
FROM consents WHERE cooperative_id = $1 AND revoked_at IS NULL
"""


class PostgresFeeds:
    """The ``Feeds`` port on the gateway's database."""

    async def lock_cooperative(self, conn: DbConnection, cooperative_id: str) -> None:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('partners.cooperative:' || $1, 0))",
            cooperative_id)

    async def keep(self, conn: DbConnection, event: SourceEvent, fact: Fact) -> None:
        await conn.execute(
            """INSERT INTO source_events (event_id, source, event_type, schema_version,
                   category, cooperative_id, business_date, occurred_at, recorded_at, data)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (event_id) DO NOTHING""",
            event.event_id, event.source, event.event_type, event.schema_version,
            fact.category.value, event.cooperative_id, event.business_date,
            event.occurred_at, event.recorded_at, dict(event.data))

    async def history(self, conn: DbConnection, cooperative_id: str,
                      categories: Sequence[Category]) -> list[tuple[SourceEvent, Fact]]:
        rows = await conn.fetch(
            """SELECT * FROM source_events WHERE cooperative_id = $1 AND category = ANY($2)
               ORDER BY seq""", cooperative_id, [c.value for c in categories])
        return [(SourceEvent(event_id=r["event_id"], source=r["source"],
                             event_type=r["event_type"], schema_version=r["schema_version"],
                             cooperative_id=r["cooperative_id"],
                             business_date=r["business_date"], occurred_at=r["occurred_at"],
                             recorded_at=r["recorded_at"], data=r["data"]),
                 Fact(category=Category(r["category"]), cooperative_id=r["cooperative_id"],
                      business_date=r["business_date"], recorded_at=r["recorded_at"]))
                for r in rows]

    async def in_force(self, conn: DbConnection, cooperative_id: str) -> list[Consent]:
        rows = await conn.fetch(_CONSENTS_IN_FORCE, cooperative_id)
        return [Consent(consent_id=r["consent_id"], partner_id=r["partner_id"],
                        cooperative_id=r["cooperative_id"],
                        categories=tuple(Category(c) for c in r["categories"]),
                        from_date=r["from_date"], include_history=r["include_history"],
                        until_date=r["until_date"], granted_at=r["granted_at"],
                        granted_by=r["granted_by"]) for r in rows]

    async def append(self, conn: DbConnection, items: Sequence[FeedItem]) -> int:
        appended = 0
        ordered = sorted(items, key=lambda item: item.partner_id)
        for partner_id, group in groupby(ordered, key=lambda item: item.partner_id):
            appended += await self._append(conn, partner_id, list(group))
        return appended

    async def _append(self, conn: DbConnection, partner_id: str, items: list[FeedItem]) -> int:
        # The head row first: it is the partner's lock until this transaction ends.
        last = await conn.fetchval(
            """INSERT INTO partner_feed_heads (partner_id, last_position) VALUES ($1, 0)
               ON CONFLICT (partner_id) DO UPDATE SET last_position =
                   partner_feed_heads.last_position
               RETURNING last_position""", partner_id)
        seen = {r["source_event_id"] for r in await conn.fetch(
            """SELECT source_event_id FROM partner_feed
               WHERE partner_id = $1 AND source_event_id = ANY($2)""",
            partner_id, [item.source_event_id for item in items])}
        new = list({item.source_event_id: item for item in items
                    if item.source_event_id not in seen}.values())
        if not new:
            return 0
        await conn.executemany(
            """INSERT INTO partner_feed (partner_id, position, event_id, source_event_id, type,
                   dataschema, cooperative_id, business_date, time, consent_ids, data)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
            [(partner_id, last + n, i.event_id, i.source_event_id, i.type, i.dataschema,
              i.cooperative_id, i.business_date, i.time, list(i.consent_ids), i.data)
             for n, i in enumerate(new, start=1)])
        await conn.execute(
            "UPDATE partner_feed_heads SET last_position = $2 WHERE partner_id = $1",
            partner_id, last + len(new))
        return len(new)
