"""Use cases of the partner gateway's registry: partners and consents. Each: load, decide
(pure domain), save.

The caller runs each inside one transaction (the HTTP edge's ``Runner``, which also owns
the Idempotency-Key) and passes its connection and the command's ``Provenance``, whose
actor (the caller's token subject) the events record as who did it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gotong_platform.calendar import Clock
from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from partners.application.ports import ConsentRepository, PartnerRepository
from partners.domain import (
    Consent,
    GrantConsent,
    Partner,
    RegisterPartner,
    RevokeConsent,
    grant_consent,
    register_partner,
    revoke_consent,
)

__all__ = ["PartnersService"]


@dataclass(frozen=True)
class PartnersService:
    partners: PartnerRepository
    consents: ConsentRepository
    clock: Clock

    async def register_partner(self, conn: DbConnection, command: RegisterPartner,
                               provenance: Provenance) -> tuple[Partner, int]:
        events = register_partner(None, command, partner_id=new_id("partner"),
                                  now=self.clock.now(), actor=provenance.meta.actor)
        return await self.partners.save(conn, None, 0, events, provenance)

    async def grant_consent(self, conn: DbConnection, cooperative_id: str,
                            command: GrantConsent, provenance: Provenance
                            ) -> tuple[Consent, int]:
        partner, _ = await self.partners.load(conn, command.partner_id)
        events = grant_consent(partner, command, consent_id=new_id("consent"),
                               cooperative_id=cooperative_id, now=self.clock.now(),
                               actor=provenance.meta.actor)
        return await self.consents.save(conn, None, 0, events, provenance)

    async def revoke_consent(self, conn: DbConnection, cooperative_id: str, consent_id: str,
                             command: RevokeConsent, provenance: Provenance
                             ) -> tuple[Consent, int]:
        state, version = await self.consents.load(conn, consent_id)
        events = revoke_consent(state, command, cooperative_id=cooperative_id,
                                now=self.clock.now(), actor=provenance.meta.actor)
        return await self.consents.save(conn, state, version, events, provenance)
