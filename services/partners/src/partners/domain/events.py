"""Domain events of the partner gateway: facts, named in the past tense.

Two streams: ``partner-<uuid>`` (a partner the federation registered) and
``consent-<uuid>`` (one cooperative's consent to one partner). Every event names who
did it (``registered_by``, ``granted_by``, ``revoked_by``: the caller's token subject),
besides the actor the event store records for every command.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from gotong_platform.domain import DomainEvent
from partners.domain.values import Category, PartnerKind

__all__ = [
    "ConsentEvent",
    "ConsentGranted",
    "ConsentRevoked",
    "Contact",
    "PartnerEvent",
    "PartnerRegistered",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Contact:
    """A person at the partner the federation office can reach."""

    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PartnerRegistered(DomainEvent):
    """The federation admin registered a partner that may receive consented data."""

    event_type = "PartnerRegistered"
    schema_version = 1

    partner_id: str
    name: str
    kind: PartnerKind
    contacts: tuple[Contact, ...]
    registered_at: datetime
    registered_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConsentGranted(DomainEvent):
    """A cooperative's admin let a partner receive some categories of its data.

    The partner receives facts of those categories whose business date lies from
    ``from_date`` to ``until_date`` (inclusive; open-ended when None), recorded from
    ``granted_at`` on, or also before it when ``include_history``.
    """

    event_type = "ConsentGranted"
    schema_version = 1

    consent_id: str
    partner_id: str
    cooperative_id: str
    categories: tuple[Category, ...]
    from_date: date
    include_history: bool
    until_date: date | None
    granted_at: datetime
    granted_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConsentRevoked(DomainEvent):
    """The cooperative's admin withdrew the consent: nothing more is delivered under it."""

    event_type = "ConsentRevoked"
    schema_version = 1

    consent_id: str
    partner_id: str
    cooperative_id: str
    revoked_at: datetime
    revoked_by: str
    reason: str | None = None


PartnerEvent = PartnerRegistered
ConsentEvent = ConsentGranted | ConsentRevoked
