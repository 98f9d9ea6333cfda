"""A partner of the federation (a bank, a buyer, a government office), as a decider."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from gotong_platform.checks import optional_text, required_text
from gotong_platform.domain import replay
from partners.domain.commands import RegisterPartner
from partners.domain.errors import (
    EventSequenceError,
    InvalidContact,
    PartnerAlreadyRegistered,
    TooManyContacts,
)
from partners.domain.events import Contact, PartnerEvent, PartnerRegistered
from partners.domain.values import PartnerKind

__all__ = ["MAX_CONTACTS", "Partner", "evolve_partner", "register_partner", "replay_partner"]

NAME_MAX = 200
CONTACT_TEXT_MAX = 200
MAX_CONTACTS = 10


@dataclasses.dataclass(frozen=True, kw_only=True)
class Partner:
    partner_id: str
    name: str
    kind: PartnerKind
    contacts: tuple[Contact, ...]
    registered_at: datetime
    registered_by: str


def register_partner(
    state: Partner | None, command: RegisterPartner, *, partner_id: str, now: datetime,
    actor: str,
) -> list[PartnerEvent]:
    """Register a partner under ``partner_id``, the subject its tokens will carry."""
    if state is not None:
        raise PartnerAlreadyRegistered(f"The partner {state.name!r} is already registered.")
    name = required_text(command.name, what="The partner's name", max_length=NAME_MAX)
    if len(command.contacts) > MAX_CONTACTS:
        raise TooManyContacts(f"A partner may have at most {MAX_CONTACTS} contacts; "
                              f"{len(command.contacts)} were given.")
    contacts = tuple(_contact(c) for c in command.contacts)
    return [PartnerRegistered(partner_id=partner_id, name=name, kind=command.kind,
                              contacts=contacts, registered_at=now, registered_by=actor)]


def _contact(contact: Contact) -> Contact:
    name = optional_text(contact.name, what="A contact's name", max_length=CONTACT_TEXT_MAX)
    email = optional_text(contact.email, what="A contact's e-mail", max_length=CONTACT_TEXT_MAX)
    phone = optional_text(contact.phone, what="A contact's phone", max_length=CONTACT_TEXT_MAX)
    role = optional_text(contact.role, what="A contact's role", max_length=CONTACT_TEXT_MAX)
    if name is None:
        raise InvalidContact("Every contact needs a name.")
    if email is None and phone is None:
        raise InvalidContact(f"The contact {name!r} needs an e-mail address or a phone number.")
    if email is not None and "@" not in email:
        raise InvalidContact(f"The e-mail address of {name!r} has no '@'.")
    return Contact(name=name, email=email, phone=phone, role=role)


def evolve_partner(state: Partner | None, event: PartnerEvent) -> Partner:
    """The state after ``event``."""
    if state is not None:
        raise EventSequenceError("PartnerRegistered in an existing stream")
    return Partner(partner_id=event.partner_id, name=event.name, kind=event.kind,
                   contacts=event.contacts, registered_at=event.registered_at,
                   registered_by=event.registered_by)


def replay_partner(events: Iterable[PartnerEvent]) -> Partner | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_partner, events)
