"""From internal events to partner contracts: the category of each, the fields a partner
gets, and who receives a fact."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime

import pytest

from gotong_platform.contracts import REGISTRY
from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.contracts import payments as pay
from gotong_platform.contracts import reporting as rep
from gotong_platform.contracts.partner_feed import PARTNER_CONTRACTS, PseudonymKey
from partners.adapters.mapping import CATEGORIES, ContractMapping
from partners.domain import Category, Consent, Fact, SourceEvent, recipients

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 18)
MAPPING = ContractMapping(PseudonymKey(b"s" * 32), "https://partners.gotong.example")


def source(contract: object, *, version: int = 1) -> SourceEvent:
    assert hasattr(contract, "model_dump")
    return SourceEvent(event_id=uuid.uuid4(), source=contract.source,  # type: ignore[attr-defined]
                       event_type=contract.event_type,  # type: ignore[attr-defined]
                       schema_version=version, cooperative_id="cooperative-a",
                       business_date=DAY, occurred_at=NOW, recorded_at=NOW,
                       data=contract.model_dump(mode="json"))


def test_every_mapped_type_is_a_published_contract_and_every_category_has_one() -> None:
    published = {(source, event_type) for source, event_type, _ in REGISTRY}
    assert set(CATEGORIES) <= published
    assert set(CATEGORIES.values()) == set(Category)
    assert set(PARTNER_CONTRACTS) == {c.value for c in Category}


def test_an_event_no_contract_is_made_from_has_no_fact() -> None:
    registered = mem.CooperativeRegisteredV1(
        cooperative_id="cooperative-a", name="K", legal_registration_number="AHU-1",
        coop_type="producer", province_code="53", regency_code="5312", time_zone="WITA",
        fiscal_year_start_month=1, loop="closed", registered_on=DAY)
    withdrawn = pay.SavingsWithdrawnV1(cooperative_id="cooperative-a", account_id="account-1",
                                       member_id="member-1", savings_type="sukarela",
                                       amount_idr=1_000, business_date=DAY)
    assert MAPPING.fact_of(source(registered)) is None
    assert MAPPING.fact_of(source(withdrawn, version=2)) is None  # a version it does not know
    assert MAPPING.fact_of(source(withdrawn)) == Fact(
        category=Category.SAVINGS, cooperative_id="cooperative-a", business_date=DAY,
        recorded_at=NOW)


def test_a_partner_event_carries_only_its_contract_and_the_partners_references() -> None:
    exited = mem.MemberExitedV1(cooperative_id="cooperative-a", member_id="member-1",
                                exited_on=DAY, reason="moved_away")
    adjusted = inv.StockAdjustedV1(
        cooperative_id="cooperative-a", adjustment_id="adj-1", warehouse_id="warehouse-1",
        product_id="product-1", qty_delta=-3, reason="rotten", value_idr=900,
        business_date=DAY)
    refund = pay.SavingsRefundedV1(cooperative_id="cooperative-a", account_id="account-1",
                                   member_id="member-1", savings_type="pokok",
                                   amount_idr=100_000, business_date=DAY, reason="exit")

    left = MAPPING.partner_event("partner-1", source(exited), ("consent-1",))
    stock = MAPPING.partner_event("partner-1", source(adjusted), ("consent-1",))
    refunded = MAPPING.partner_event("partner-1", source(refund), ("consent-1",))

    assert left.data == {"cooperative_id": "cooperative-a", "business_date": "2026-11-18",
                         "change": "left", "gender": None}
    assert (stock.data["movement"], stock.data["qty_delta"], stock.data["value_idr"]) == (
        "adjusted", -3, -900)
    assert "reason" not in refunded.data
    assert refunded.data["member_ref"] == MAPPING.partner_event(
        "partner-1", source(refund), ()).data["member_ref"]
    assert refunded.data["member_ref"] != MAPPING.partner_event(
        "partner-2", source(refund), ()).data["member_ref"]
    assert left.dataschema == ("https://partners.gotong.example/schemas/partner/"
                               "partner.members_aggregate.MembershipChange.v1.json")
    assert left.event_id != left.source_event_id


def consent(consent_id: str, partner: str, *categories: Category,
            revoked: bool = False) -> Consent:
    return Consent(consent_id=consent_id, partner_id=partner, cooperative_id="cooperative-a",
                   categories=categories, from_date=date(2026, 1, 1), include_history=True,
                   until_date=None, granted_at=NOW, granted_by="p",
                   revoked_at=NOW if revoked else None)


def test_recipients_are_the_partners_whose_consents_in_force_cover_the_fact() -> None:
    fact = Fact(category=Category.SAVINGS, cooperative_id="cooperative-a", business_date=DAY,
                recorded_at=NOW)
    consents = [consent("c2", "bank", Category.SAVINGS), consent("c1", "bank", Category.SAVINGS,
                                                                 Category.LOANS),
                consent("c3", "buyer", Category.PRODUCE),
                consent("c4", "office", Category.SAVINGS, revoked=True)]
    assert recipients(consents, fact) == {"bank": ("c1", "c2")}


def kpis(**changes: object) -> rep.MonthlyKpisPublishedV1:
    fields: dict[str, object] = {
        "cooperative_id": "cooperative-a", "month": "2026-10", "revision": 2,
        "month_end": date(2026, 10, 31), "known_at": NOW, "omzet_idr": 48_250_000,
        "savings_balance_idr": 312_500_000, "loans_outstanding_idr": 187_000_000,
        "par30_idr": 9_350_000, "par30_bp": 500, "active_members": 214,
        "last_recorded_at": datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
        "last_business_date": date(2026, 11, 17), "last_activity_date": date(2026, 11, 16),
        "stale": False, "idle": False}
    return rep.MonthlyKpisPublishedV1.model_validate(fields | changes)


def test_a_published_month_is_the_monthly_kpis_contract_without_internal_figures() -> None:
    event = dataclasses.replace(source(kpis()), business_date=date(2026, 10, 31))
    assert MAPPING.fact_of(event) == Fact(category=Category.MONTHLY_KPIS,
                                          cooperative_id="cooperative-a",
                                          business_date=date(2026, 10, 31), recorded_at=NOW)
    item = MAPPING.partner_event("bank", event, ("consent-1",))
    assert item.type == "gotong.partner.monthly_kpis.MonthlyKpis.v1"
    assert item.data == {
        "cooperative_id": "cooperative-a", "business_date": "2026-10-31", "month": "2026-10",
        "omzet_idr": 48_250_000, "savings_balance_idr": 312_500_000,
        "loans_outstanding_idr": 187_000_000, "par30_bp": 500, "active_members": 214,
        "revision": 2, "known_at": "2026-11-18T02:00:00Z",
        "last_recorded_at": "2026-11-17T09:00:00Z", "last_activity_date": "2026-11-16"}


def test_figures_outside_the_partner_contract_are_shown_within_it() -> None:
    # Voids of earlier months' sales above the month's own sales; no loans outstanding.
    odd = MAPPING.partner_event("bank", source(kpis(
        omzet_idr=-75_000, loans_outstanding_idr=0, par30_idr=0, par30_bp=None)), ())
    assert (odd.data["omzet_idr"], odd.data["par30_bp"]) == (0, None)
    beyond = MAPPING.partner_event("bank", source(kpis(par30_bp=10_001)), ())
    assert beyond.data["par30_bp"] is None
