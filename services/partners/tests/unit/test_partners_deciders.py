"""The deciders of partners and consents: what they record, and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gotong_platform.domain import event_payload
from gotong_testing.deciders import refused
from partners.domain import (
    Category,
    ConsentAlreadyRevoked,
    ConsentGranted,
    ConsentNotFound,
    ConsentRevoked,
    ConsentWindowReversed,
    Contact,
    GrantConsent,
    InvalidContact,
    NoCategories,
    PartnerKind,
    RegisterPartner,
    RevokeConsent,
    TooManyContacts,
    UnknownCategory,
    UnknownPartner,
    consent_event_from_payload,
    grant_consent,
    partner_event_from_payload,
    register_partner,
    replay_consent,
    replay_partner,
    revoke_consent,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
BANK = RegisterPartner(name=" Bank NTT ", kind=PartnerKind.BANK,
                       contacts=(Contact(name="Dewi", email="dewi@bank.example"),))


def a_partner():  # type: ignore[no-untyped-def]
    events = register_partner(None, BANK, partner_id="partner-1", now=NOW, actor="office")
    return replay_partner(events)


def a_grant(**overrides: object) -> GrantConsent:
    fields: dict[str, object] = {"partner_id": "partner-1", "categories": ("loans", "savings"),
                                 "from_date": date(2026, 1, 1)}
    fields.update(overrides)
    return GrantConsent(**fields)  # type: ignore[arg-type]


def granted(**overrides: object):  # type: ignore[no-untyped-def]
    return replay_consent(grant_consent(a_partner(), a_grant(**overrides), consent_id="consent-1",
                                        cooperative_id="cooperative-a", now=NOW,
                                        actor="pengurus-a"))


def test_registering_a_partner_records_who_did_it_and_cleans_the_name() -> None:
    (event,) = register_partner(None, BANK, partner_id="partner-1", now=NOW, actor="office")

    assert (event.name, event.registered_by, event.registered_at) == ("Bank NTT", "office", NOW)
    assert partner_event_from_payload(event.event_type, event_payload(event)) == event


@pytest.mark.parametrize(("contact", "error"), [
    (Contact(name=" "), InvalidContact),
    (Contact(name="Dewi"), InvalidContact),
    (Contact(name="Dewi", email="not-an-address"), InvalidContact),
])
def test_a_contact_needs_a_name_and_a_way_to_reach_them(contact: Contact, error: type) -> None:
    refused(error, register_partner, None,
            RegisterPartner(name="Bank", kind=PartnerKind.BANK, contacts=(contact,)),
            partner_id="partner-1", now=NOW, actor="office")


def test_at_most_ten_contacts() -> None:
    many = tuple(Contact(name=f"c{i}", phone="1") for i in range(11))
    refused(TooManyContacts, register_partner, None,
            RegisterPartner(name="Bank", kind=PartnerKind.BANK, contacts=many),
            partner_id="partner-1", now=NOW, actor="office")


def test_a_grant_records_the_categories_once_in_order_and_who_granted() -> None:
    (event,) = grant_consent(a_partner(), a_grant(categories=("savings", "loans", "savings")),
                             consent_id="consent-1", cooperative_id="cooperative-a", now=NOW,
                             actor="pengurus-a")

    assert isinstance(event, ConsentGranted)
    assert event.categories == (Category.SAVINGS, Category.LOANS)
    assert (event.granted_by, event.granted_at, event.cooperative_id) == (
        "pengurus-a", NOW, "cooperative-a")
    assert consent_event_from_payload(event.event_type, event_payload(event)) == event


@pytest.mark.parametrize(("partner", "grant", "error"), [
    (None, a_grant(), UnknownPartner),
    ("known", a_grant(categories=()), NoCategories),
    ("known", a_grant(categories=("savings", "salaries")), UnknownCategory),
    ("known", a_grant(until_date=date(2025, 12, 31)), ConsentWindowReversed),
    ("known", a_grant(from_date=date(1899, 12, 31)), ConsentWindowReversed),
])
def test_a_grant_is_refused_for_bad_input(partner: str | None, grant: GrantConsent,
                                          error: type) -> None:
    refused(error, grant_consent, a_partner() if partner else None, grant,
            consent_id="consent-1", cooperative_id="cooperative-a", now=NOW, actor="p")


def test_a_consent_is_revoked_once_by_its_own_cooperative() -> None:
    consent = granted()
    refused(ConsentNotFound, revoke_consent, consent, RevokeConsent(),
            cooperative_id="cooperative-b", now=NOW, actor="pengurus-b")
    refused(ConsentNotFound, revoke_consent, None, RevokeConsent(),
            cooperative_id="cooperative-a", now=NOW, actor="pengurus-a")
    (event,) = revoke_consent(consent, RevokeConsent(reason=" repaid "),
                              cooperative_id="cooperative-a", now=NOW, actor="pengurus-a")

    assert isinstance(event, ConsentRevoked)
    assert (event.revoked_by, event.reason) == ("pengurus-a", "repaid")
    revoked = replay_consent([*grant_consent(a_partner(), a_grant(), consent_id="consent-1",
                                             cooperative_id="cooperative-a", now=NOW,
                                             actor="pengurus-a"), event])
    assert revoked is not None
    assert not revoked.active
    refused(ConsentAlreadyRevoked, revoke_consent, revoked, RevokeConsent(),
            cooperative_id="cooperative-a", now=NOW, actor="pengurus-a")
