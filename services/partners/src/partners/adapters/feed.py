"""The archive of mappable events and the partners' feeds, on PostgreSQL.

A partner's feed is numbered by its own dense sequence (``position``): the next numbers
are taken from the partner's row in ``partner_feed_heads``, which its writer keeps locked
until it commits. So a partner's positions become visible in order: a reader that saw
position N never later finds a new row below N (commit order is sequence order per
partner, which a global identity column would not give), and ``after=N`` is a safe
cursor. Partners are locked in id order, and cooperatives in id order before any
partner, so two writers never wait on each other in a cycle.

Every method writes or reads a whole batch in one statement (``unnest`` of one array per
column): the consumer hands over a poll's batch of a partition, so its cost is a few
round trips per batch, not per event (docs/performance.md, "Issue 12").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from gotong_platform.db import DbConnection
from partners.domain import Category, Consent, Fact, FeedItem, SourceEvent

__all__ = ["PostgresFeeds"]

# The locks are taken in the array's order (a function scan keeps it): sorted by the caller.
_LOCK = """
SELECT pg_advisory_xact_lock(hashtextextended('partners.cooperative:' || c, 0))
FROM unnest($1::text[]) WITH ORDINALITY AS l(c, n) ORDER BY n
"""
# ORDER BY the array's order: ``seq`` (a history's order) follows the events' order.
_KEEP = """
INSERT INTO source_events (event_id, source, event_type, schema_version, category,
                           cooperative_id, business_date, occurred_at, recorded_at, data)
SELECT e, s, t, v, c, co, bd, oa, ra, d
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
            $7::date[], $8::timestamptz[], $9::timestamptz[], $10::jsonb[])
     WITH ORDINALITY AS k(e, s, t, v, c, co, bd, oa, ra, d, n)
ORDER BY n
ON CONFLICT (event_id) DO NOTHING
"""
_CONSENTS_IN_FORCE = """
SELECT consent_id, partner_id, cooperative_id, categories, from_date, include_history,
       until_date, granted_at, granted_by
FROM consents WHERE cooperative_id = ANY($1::text[]) AND revoked_at IS NULL
"""
# The head rows first, in partner id order: each is its partner's lock until the
# transaction ends.
_HEADS = """
INSERT INTO partner_feed_heads (partner_id, last_position)
SELECT p, 0 FROM unnest($1::text[]) WITH ORDINALITY AS h(p, n) ORDER BY n
ON CONFLICT (partner_id) DO UPDATE SET last_position = partner_feed_heads.last_position
RETURNING partner_id, last_position
"""
_SEEN = """
SELECT f.partner_id, f.source_event_id
FROM unnest($1::text[], $2::uuid[]) AS s(p, e)
JOIN partner_feed f ON f.partner_id = s.p AND f.source_event_id = s.e
"""
# consent_ids: one text per row, the ids joined by the unit separator (an array of arrays
# would have to be rectangular).
_APPEND = """
INSERT INTO partner_feed (partner_id, position, event_id, source_event_id, type, dataschema,
                          cooperative_id, business_date, time, consent_ids, data)
SELECT p, pos, e, se, t, ds, co, bd, tm, string_to_array(ci, E'\\x1f'), d
FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::uuid[], $5::text[], $6::text[],
            $7::text[], $8::date[], $9::timestamptz[], $10::text[], $11::jsonb[])
     AS a(p, pos, e, se, t, ds, co, bd, tm, ci, d)
"""
_MOVE_HEADS = """
UPDATE partner_feed_heads h SET last_position = m.last
FROM unnest($1::text[], $2::bigint[]) AS m(p, last) WHERE h.partner_id = m.p
"""
_SEPARATOR = "\x1f"


class PostgresFeeds:
    """The ``Feeds`` port on the gateway's database."""

    async def lock_cooperatives(self, conn: DbConnection,
                                cooperative_ids: Collection[str]) -> None:
        await conn.execute(_LOCK, sorted(set(cooperative_ids)))

    async def keep(self, conn: DbConnection,
                   events: Sequence[tuple[SourceEvent, Fact]]) -> None:
        if not events:
            return
        await conn.execute(
            _KEEP, [e.event_id for e, _ in events], [e.source for e, _ in events],
            [e.event_type for e, _ in events], [e.schema_version for e, _ in events],
            [f.category.value for _, f in events], [e.cooperative_id for e, _ in events],
            [e.business_date for e, _ in events], [e.occurred_at for e, _ in events],
            [e.recorded_at for e, _ in events], [dict(e.data) for e, _ in events])

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

    async def in_force(self, conn: DbConnection,
                       cooperative_ids: Collection[str]) -> list[Consent]:
        rows = await conn.fetch(_CONSENTS_IN_FORCE, sorted(set(cooperative_ids)))
        return [Consent(consent_id=r["consent_id"], partner_id=r["partner_id"],
                        cooperative_id=r["cooperative_id"],
                        categories=tuple(Category(c) for c in r["categories"]),
                        from_date=r["from_date"], include_history=r["include_history"],
                        until_date=r["until_date"], granted_at=r["granted_at"],
                        granted_by=r["granted_by"]) for r in rows]

    async def append(self, conn: DbConnection, items: Sequence[FeedItem]) -> int:
        if not items:
            return 0
        heads = {r["partner_id"]: r["last_position"] for r in await conn.fetch(
            _HEADS, sorted({item.partner_id for item in items}))}
        seen = {(r["partner_id"], r["source_event_id"]) for r in await conn.fetch(
            _SEEN, [i.partner_id for i in items], [i.source_event_id for i in items])}
        new: list[tuple[int, FeedItem]] = []
        for item in items:  # in the given order: each partner's positions follow it
            key = (item.partner_id, item.source_event_id)
            if key in seen:
                continue  # already in the feed (or earlier in this batch)
            seen.add(key)
            heads[item.partner_id] += 1
            new.append((heads[item.partner_id], item))
        if not new:
            return 0
        await conn.execute(
            _APPEND, [i.partner_id for _, i in new], [pos for pos, _ in new],
            [i.event_id for _, i in new], [i.source_event_id for _, i in new],
            [i.type for _, i in new], [i.dataschema for _, i in new],
            [i.cooperative_id for _, i in new], [i.business_date for _, i in new],
            [i.time for _, i in new], [_SEPARATOR.join(i.consent_ids) for _, i in new],
            [i.data for _, i in new])
        moved = sorted({i.partner_id for _, i in new})
        await conn.execute(_MOVE_HEADS, moved, [heads[p] for p in moved])
        return len(new)
