"""The consents' streams on PostgreSQL, with their query table ``consents``.

The ``consents`` rows are what the delivery reads (which partners may receive a
cooperative's fact), written in the same transaction as the consent's events.
"""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from partners.adapters.publishing import business_date, stored_event
from partners.domain import (
    Consent,
    ConsentEvent,
    consent_event_from_payload,
    evolve_consent,
    replay_consent,
)

__all__ = ["PostgresConsentRepository"]


class PostgresConsentRepository:
    """``ConsentRepository`` on the gateway's event store."""

    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def load(self, conn: DbConnection, consent_id: str) -> tuple[Consent | None, int]:
        if not consent_id.startswith("consent-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        return await self._store.replay(conn, consent_id, consent_event_from_payload,
                                        replay_consent)

    async def save(self, conn: DbConnection, before: Consent | None, version: int,
                   events: Sequence[ConsentEvent], provenance: Provenance,
                   ) -> tuple[Consent, int]:
        state = before
        for e in events:
            state = evolve_consent(state, e)
        if state is None:
            raise ValueError("saving a new consent needs at least one event")
        now = self._store.clock.now()
        day = await business_date(conn, state.cooperative_id, now)
        await self._store.write(conn, state.consent_id, version, [
            stored_event(e, tenant=state.cooperative_id, day=day, provenance=provenance,
                         now=now) for e in events])
        version += len(events)
        await conn.execute(
            """INSERT INTO consents (consent_id, partner_id, cooperative_id, categories,
                   from_date, include_history, until_date, granted_at, granted_by,
                   revoked_at, revoked_by, revoke_reason, version)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
               ON CONFLICT (consent_id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at,
                   revoked_by = EXCLUDED.revoked_by, revoke_reason = EXCLUDED.revoke_reason,
                   version = EXCLUDED.version""",
            state.consent_id, state.partner_id, state.cooperative_id,
            [c.value for c in state.categories], state.from_date, state.include_history,
            state.until_date, state.granted_at, state.granted_by, state.revoked_at,
            state.revoked_by, state.revoke_reason, version)
        return state, version
