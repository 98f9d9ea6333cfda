"""The partners' streams on PostgreSQL, with their query tables ``partners`` and
``partner_signing_keys``."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from gotong_platform.calendar import today_in
from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from partners.adapters.publishing import FEDERATION_TENANT, stored_event
from partners.domain import (
    Partner,
    PartnerEvent,
    SigningKeyRegistered,
    evolve_partner,
    partner_event_from_payload,
    replay_partner,
)

__all__ = ["PostgresPartnerRepository"]


class PostgresPartnerRepository:
    """``PartnerRepository`` on the gateway's event store."""

    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def load(self, conn: DbConnection, partner_id: str) -> tuple[Partner | None, int]:
        if not partner_id.startswith("partner-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        return await self._store.replay(conn, partner_id, partner_event_from_payload,
                                        replay_partner)

    async def save(self, conn: DbConnection, before: Partner | None, version: int,
                   events: Sequence[PartnerEvent], provenance: Provenance,
                   ) -> tuple[Partner, int]:
        state = before
        for e in events:
            state = evolve_partner(state, e)
        if state is None:
            raise ValueError("saving a new partner needs at least one event")
        now = self._store.clock.now()
        day = today_in(self._store.clock, None)
        await self._store.write(conn, state.partner_id, version, [
            stored_event(e, tenant=FEDERATION_TENANT, day=day, provenance=provenance, now=now)
            for e in events])
        version += len(events)
        contacts = [dataclasses.asdict(c) for c in state.contacts]
        await conn.execute(
            """INSERT INTO partners (partner_id, name, kind, contacts, registered_at,
                   registered_by, version)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (partner_id) DO UPDATE SET name = EXCLUDED.name,
                   kind = EXCLUDED.kind, contacts = EXCLUDED.contacts,
                   version = EXCLUDED.version""",
            state.partner_id, state.name, state.kind.value, contacts,
            state.registered_at, state.registered_by, version)
        if any(isinstance(e, SigningKeyRegistered) for e in events):
            await _write_keys(conn, state)
        return state, version


async def _write_keys(conn: DbConnection, state: Partner) -> None:
    """The partner's keys as its state holds them (a rotation also ends older keys)."""
    await conn.executemany(
        """INSERT INTO partner_signing_keys (key_id, partner_id, ordinal, algorithm, bits,
               public_key_pem, fingerprint, registered_at, registered_by, valid_until)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (key_id) DO UPDATE SET valid_until = EXCLUDED.valid_until""",
        [(k.key_id, state.partner_id, ordinal, k.algorithm.value, k.bits, k.public_key_pem,
          k.fingerprint, k.registered_at, k.registered_by, k.valid_until)
         for ordinal, k in enumerate(state.signing_keys, start=1)])

