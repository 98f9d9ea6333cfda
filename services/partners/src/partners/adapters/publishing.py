"""From the gateway's domain events to stored events.

The gateway does not publish its registry yet (``public`` None: no outbox row): a
partner's contacts are personal data, and no service consumes consents so far. The
business date of a consent's event is the cooperative's (its zone from the local members
directory); a partner's, the federation office's (WIB).
"""

from __future__ import annotations

from datetime import date, datetime

from gotong_platform.calendar import today_in
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from gotong_platform.domain import event_payload
from gotong_platform.eventstore import NewEvent
from gotong_platform.provenance import Provenance, new_event
from partners.domain import ConsentEvent, PartnerEvent, SubscriptionEvent

__all__ = ["FEDERATION_TENANT", "business_date", "stored_event"]

# The tenant of a partner's stream: partners belong to the federation, not to a cooperative.
FEDERATION_TENANT = "federation"


async def business_date(conn: DbConnection, cooperative_id: str, now: datetime) -> date:
    """``now`` as a business date of the cooperative (WIB when it is not known yet)."""
    place = await Directory(conn).place_of(cooperative_id)
    return today_in(_At(now), None if place is None else place.time_zone)


def stored_event(event: PartnerEvent | ConsentEvent | SubscriptionEvent, *, tenant: str, day: date,
                 provenance: Provenance, now: datetime) -> NewEvent:
    """``event`` as the store keeps it (not published)."""
    return new_event(event, event_payload(event), None, cooperative_id=tenant,
                     business_date=day, provenance=provenance, now=now)


class _At:
    """A clock that stands at one instant: the store's ``now`` of the command."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at
