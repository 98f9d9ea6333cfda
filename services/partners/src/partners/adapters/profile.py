"""What a lender's profile of a cooperative reads: the partner's consents in force of that
cooperative, and the cooperative's published months from the archive (``source_events``:
every ``MonthlyKpisPublished`` the consumer kept), the latest revision of each."""

from __future__ import annotations

import asyncpg

from partners.domain import Category, Consent, SourceEvent

__all__ = ["PostgresProfileReads"]

# More months than any profile shows (MONTHS_MAX) but bounded: 50 years of a cooperative.
_MONTHS_READ = 600


class PostgresProfileReads:
    """The ``ProfileReads`` port on the API's pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def consents_in_force(self, partner_id: str, cooperative_id: str) -> list[Consent]:
        rows = await self._pool.fetch(
            """SELECT consent_id, partner_id, cooperative_id, categories, from_date,
                      include_history, until_date, granted_at, granted_by
               FROM consents WHERE partner_id = $1 AND cooperative_id = $2
                 AND revoked_at IS NULL""", partner_id, cooperative_id)
        return [Consent(consent_id=r["consent_id"], partner_id=r["partner_id"],
                        cooperative_id=r["cooperative_id"],
                        categories=tuple(Category(c) for c in r["categories"]),
                        from_date=r["from_date"], include_history=r["include_history"],
                        until_date=r["until_date"], granted_at=r["granted_at"],
                        granted_by=r["granted_by"]) for r in rows]

    async def published_months(self, cooperative_id: str) -> list[SourceEvent]:
        # Revisions of a month are one stream's versions, recorded one after the other:
        # the latest revision is the highest.
        rows = await self._pool.fetch(
            """SELECT DISTINCT ON (business_date) *
               FROM source_events WHERE cooperative_id = $1 AND category = $2
               ORDER BY business_date DESC, (data->>'revision')::int DESC, seq DESC
               LIMIT $3""", cooperative_id, Category.MONTHLY_KPIS.value, _MONTHS_READ)
        return [SourceEvent(event_id=r["event_id"], source=r["source"],
                            event_type=r["event_type"], schema_version=r["schema_version"],
                            cooperative_id=r["cooperative_id"],
                            business_date=r["business_date"], occurred_at=r["occurred_at"],
                            recorded_at=r["recorded_at"], data=r["data"]) for r in rows]
