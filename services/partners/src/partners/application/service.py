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
from partners.application.delivery import Delivery
from partners.application.ports import ConsentRepository, KeyReader, PartnerRepository
from partners.domain import (
    Consent,
    GrantConsent,
    Partner,
    RegisterPartner,
    RegisterSigningKey,
    RevokeConsent,
    grant_consent,
    register_partner,
    register_signing_key,
    revoke_consent,
)

__all__ = ["PartnersService"]


@dataclass(frozen=True)
class PartnersService:
    partners: PartnerRepository
    consents: ConsentRepository
    clock: Clock
    delivery: Delivery
    keys: KeyReader

    async def register_partner(self, conn: DbConnection, command: RegisterPartner,
                               provenance: Provenance) -> tuple[Partner, int]:
        events = register_partner(None, command, partner_id=new_id("partner"),
                                  now=self.clock.now(), actor=provenance.meta.actor)
        return await self.partners.save(conn, None, 0, events, provenance)

    async def register_signing_key(self, conn: DbConnection, partner_id: str, pem: str,
                                   provenance: Provenance) -> tuple[Partner, int]:
        """Verify the partner's signed requests with the public key in ``pem`` (the key it
        replaces keeps verifying for a day)."""
        command = RegisterSigningKey(key=self.keys.parse(pem))
        state, version = await self.partners.load(conn, partner_id)
        events = register_signing_key(state, command, key_id=new_id("key"),
                                      now=self.clock.now(), actor=provenance.meta.actor)
        return await self.partners.save(conn, state, version, events, provenance)

    async def grant_consent(self, conn: DbConnection, cooperative_id: str,
                            command: GrantConsent, provenance: Provenance
                            ) -> tuple[Consent, int]:
        """Grant, then deliver what the consent already covers among the events the
        gateway has seen (its history, when it includes history) in the same transaction."""
        partner, _ = await self.partners.load(conn, command.partner_id)
        events = grant_consent(partner, command, consent_id=new_id("consent"),
                               cooperative_id=cooperative_id, now=self.clock.now(),
                               actor=provenance.meta.actor)
        await self.delivery.lock(conn, cooperative_id)
        consent, version = await self.consents.save(conn, None, 0, events, provenance)
        await self.delivery.backfill(conn, consent)
        return consent, version

    async def revoke_consent(self, conn: DbConnection, cooperative_id: str, consent_id: str,
                             command: RevokeConsent, provenance: Provenance
                             ) -> tuple[Consent, int]:
        await self.delivery.lock(conn, cooperative_id)
        state, version = await self.consents.load(conn, consent_id)
        events = revoke_consent(state, command, cooperative_id=cooperative_id,
                                now=self.clock.now(), actor=provenance.meta.actor)
        return await self.consents.save(conn, state, version, events, provenance)
