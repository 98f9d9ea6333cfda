"""A cooperative's consent to one partner, as a decider, and what a consent covers.

A consent lets one partner receive some categories of one cooperative's data: facts
whose business date lies in its window (``from_date`` to ``until_date``, inclusive,
open-ended without ``until_date``), recorded from the moment it was granted, or also
before it when history is included. A revoked consent delivers nothing more, whatever
the fact: the gateway reads only consents not revoked when it delivers, and ``covers``
refuses any fact recorded from the revocation on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from typing import assert_never

from gotong_platform.calendar import EARLIEST_BUSINESS_DATE
from gotong_platform.checks import optional_text
from gotong_platform.domain import replay
from partners.domain.commands import GrantConsent, RevokeConsent
from partners.domain.errors import (
    ConsentAlreadyRevoked,
    ConsentNotFound,
    ConsentWindowReversed,
    EventSequenceError,
    NoCategories,
    UnknownCategory,
    UnknownPartner,
)
from partners.domain.events import ConsentEvent, ConsentGranted, ConsentRevoked
from partners.domain.partner import Partner
from partners.domain.values import Category

__all__ = [
    "Consent",
    "Fact",
    "covers",
    "evolve_consent",
    "grant_consent",
    "recipients",
    "replay_consent",
    "revoke_consent",
]

REASON_MAX = 500


@dataclasses.dataclass(frozen=True, kw_only=True)
class Consent:
    consent_id: str
    partner_id: str
    cooperative_id: str
    categories: tuple[Category, ...]
    from_date: date
    include_history: bool
    until_date: date | None
    granted_at: datetime
    granted_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Fact:
    """What the gateway knows of an internal event when it decides who may receive it."""

    category: Category
    cooperative_id: str
    business_date: date
    recorded_at: datetime


def covers(consent: Consent, fact: Fact) -> bool:
    """Whether ``consent`` lets its partner receive ``fact``."""
    if fact.category not in consent.categories or fact.cooperative_id != consent.cooperative_id:
        return False
    if fact.business_date < consent.from_date:
        return False
    if consent.until_date is not None and fact.business_date > consent.until_date:
        return False
    if not consent.include_history and fact.recorded_at < consent.granted_at:
        return False
    return consent.revoked_at is None or fact.recorded_at < consent.revoked_at


def recipients(consents: Iterable[Consent], fact: Fact) -> dict[str, tuple[str, ...]]:
    """The partners that may receive ``fact`` now, each with the consents that let it (in
    id order): only consents in force count, whatever their window says."""
    found: dict[str, list[str]] = {}
    for consent in consents:
        if consent.active and covers(consent, fact):
            found.setdefault(consent.partner_id, []).append(consent.consent_id)
    return {partner: tuple(sorted(ids)) for partner, ids in sorted(found.items())}


# --- deciders ------------------------------------------------------------------


def grant_consent(
    partner: Partner | None, command: GrantConsent, *, consent_id: str, cooperative_id: str,
    now: datetime, actor: str,
) -> list[ConsentEvent]:
    """The cooperative ``cooperative_id`` lets ``partner`` receive some of its data."""
    if partner is None:
        raise UnknownPartner(f"No partner is registered under the id {command.partner_id!r}.")
    categories = _categories(command.categories)
    if command.from_date < EARLIEST_BUSINESS_DATE:
        raise ConsentWindowReversed(
            f"The consent's first day ({command.from_date.isoformat()}) is before "
            f"{EARLIEST_BUSINESS_DATE.isoformat()}; no cooperative's records go back that far.")
    if command.until_date is not None and command.until_date < command.from_date:
        raise ConsentWindowReversed(
            f"The consent's last day ({command.until_date.isoformat()}) is before its first "
            f"({command.from_date.isoformat()}).")
    return [ConsentGranted(
        consent_id=consent_id, partner_id=partner.partner_id, cooperative_id=cooperative_id,
        categories=categories, from_date=command.from_date,
        include_history=command.include_history, until_date=command.until_date,
        granted_at=now, granted_by=actor)]


def _categories(given: tuple[str, ...]) -> tuple[Category, ...]:
    """The categories named, once each, in the closed set's order."""
    if not given:
        raise NoCategories("A consent must name at least one category of data.")
    allowed = {c.value for c in Category}
    unknown = sorted({name for name in given if name not in allowed})
    if unknown:
        raise UnknownCategory(
            f"Unknown categories: {', '.join(unknown)}; a consent may name "
            f"{', '.join(c.value for c in Category)}.")
    return tuple(c for c in Category if c.value in set(given))


def revoke_consent(
    state: Consent | None, command: RevokeConsent, *, cooperative_id: str, now: datetime,
    actor: str,
) -> list[ConsentEvent]:
    """The cooperative withdraws its consent; another cooperative's is "not found"."""
    if state is None or state.cooperative_id != cooperative_id:
        raise ConsentNotFound("This cooperative has no consent with this id.")
    reason = optional_text(command.reason, what="The reason", max_length=REASON_MAX)
    if state.revoked_at is not None:
        raise ConsentAlreadyRevoked(
            f"This consent was already revoked at {state.revoked_at.isoformat()}.")
    return [ConsentRevoked(consent_id=state.consent_id, partner_id=state.partner_id,
                           cooperative_id=state.cooperative_id, revoked_at=now,
                           revoked_by=actor, reason=reason)]


# --- evolution -----------------------------------------------------------------


def evolve_consent(state: Consent | None, event: ConsentEvent) -> Consent:
    """The state after ``event``. Events are facts: only the stream order is checked."""
    match event:
        case ConsentGranted():
            if state is not None:
                raise EventSequenceError("ConsentGranted in an existing stream")
            return Consent(
                consent_id=event.consent_id, partner_id=event.partner_id,
                cooperative_id=event.cooperative_id, categories=event.categories,
                from_date=event.from_date, include_history=event.include_history,
                until_date=event.until_date, granted_at=event.granted_at,
                granted_by=event.granted_by)
        case ConsentRevoked():
            if state is None:
                raise EventSequenceError("ConsentRevoked before ConsentGranted")
            return dataclasses.replace(state, revoked_at=event.revoked_at,
                                       revoked_by=event.revoked_by, revoke_reason=event.reason)
        case _:
            assert_never(event)


def replay_consent(events: Iterable[ConsentEvent]) -> Consent | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_consent, events)
