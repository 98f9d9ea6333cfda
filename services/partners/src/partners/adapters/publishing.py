"""From the gateway's domain events to stored events, and what of them is published.

A consent's grant and revocation are published on ``gotong.partners.events`` (the outbox
relay), as ``gotong_platform.contracts.partners`` (who granted or revoked it, the
categories and the window). The partners' streams and the subscriptions' are kept but
not published (``public`` None: no outbox row): a partner's contacts are personal data,
and a subscription's sink is the partner's business. The business date of a consent's
event is the cooperative's (its zone from the local members directory); a partner's, the
federation office's (WIB).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gotong_platform.calendar import today_in
from gotong_platform.contracts import partners as c
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from gotong_platform.domain import event_payload
from gotong_platform.eventstore import NewEvent
from gotong_platform.provenance import Provenance, new_event
from partners.domain import (
    ConsentEvent,
    ConsentGranted,
    ConsentRevoked,
    PartnerEvent,
    SubscriptionEvent,
)

__all__ = ["FEDERATION_TENANT", "business_date", "published", "stored_event"]

# The tenant of a partner's stream: partners belong to the federation, not to a cooperative.
FEDERATION_TENANT = "federation"


async def business_date(conn: DbConnection, cooperative_id: str, now: datetime) -> date:
    """``now`` as a business date of the cooperative (WIB when it is not known yet)."""
    place = await Directory(conn).place_of(cooperative_id)
    return today_in(_At(now), None if place is None else place.time_zone)


def stored_event(event: PartnerEvent | ConsentEvent | SubscriptionEvent, *, tenant: str, day: date,
                 provenance: Provenance, now: datetime) -> NewEvent:
    """``event`` as the store keeps it, with its published payload when it has one."""
    return new_event(event, event_payload(event), published(event), cooperative_id=tenant,
                     business_date=day, provenance=provenance, now=now)


def published(event: PartnerEvent | ConsentEvent | SubscriptionEvent
              ) -> dict[str, Any] | None:
    """The published contract's data of ``event``; None for an event not published."""
    match event:
        case ConsentGranted():
            return c.ConsentGrantedV1(
                cooperative_id=event.cooperative_id, consent_id=event.consent_id,
                partner_id=event.partner_id,
                categories=tuple(category.value for category in event.categories),
                from_date=event.from_date, include_history=event.include_history,
                until_date=event.until_date, granted_at=event.granted_at,
                granted_by=event.granted_by).model_dump(mode="json")
        case ConsentRevoked():
            return c.ConsentRevokedV1(
                cooperative_id=event.cooperative_id, consent_id=event.consent_id,
                partner_id=event.partner_id, revoked_at=event.revoked_at,
                revoked_by=event.revoked_by, reason=event.reason).model_dump(mode="json")
    return None


class _At:
    """A clock that stands at one instant: the store's ``now`` of the command."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at
