"""Domain events → published contracts; the member table as CSV."""

from __future__ import annotations

from datetime import date

import pytest
from test_shu_builders import a_policy, member_facts, totals

from gotong_platform.contracts import parse
from reporting.adapters.shu.publishing import (
    business_date_of,
    calculation_contract,
    policy_contract,
)
from reporting.domain.shu import (
    ApproveShuCalculation,
    DraftShuCalculation,
    ShuFacts,
    ShuPolicyAdopted,
    approve_shu_calculation,
    draft_shu_calculation,
    evolve_calculation,
    fiscal_period,
)
from reporting.entrypoints.shu_csv import allocations_csv

pytestmark = pytest.mark.unit

RAT = date(2026, 3, 28)


def test_every_event_maps_to_a_contract_that_parses() -> None:
    policy = a_policy()
    facts = ShuFacts(period=fiscal_period(2025),
                     members=(member_facts(1, balance=100, purchases=10),
                              member_facts(2, balance=300, purchases=30)),
                     totals=totals(member_sales=40, all_sales=80))
    events = [*draft_shu_calculation(
        None, DraftShuCalculation(fiscal_year=2025, shu_total_idr=1_000_000, policy_version=1),
        policy, facts, drafted_by="bendahara", today=date(2026, 2, 1), approved_in_year=None)]
    state = evolve_calculation(None, events[0])
    events += approve_shu_calculation(state, ApproveShuCalculation(rat_date=RAT),
                                      approved_by="ketua", today=RAT, approved_in_year=None)
    published = [policy_contract(ShuPolicyAdopted(policy=policy))]
    for event in events:
        state = evolve_calculation(state, event)
        published.append(calculation_contract(event, state))
    types = ["ShuPolicyAdopted", "ShuCalculationDrafted", "ShuCalculationApproved",
             "MemberShuAllocated", "MemberShuAllocated"]
    contracts = [parse("reporting", t, 1, data) for t, data in zip(types, published,
                                                                   strict=True)]
    drafted = contracts[1].model_dump()
    assert drafted["shu_member_sourced_idr"] == 500_000  # half the business was members'
    assert drafted["shu_non_member_idr"] == 500_000
    assert sum(drafted["pools_idr"].values()) == 1_000_000
    assert contracts[2].model_dump()["policy_version"] == 1
    shares = [c.model_dump() for c in contracts[3:]]
    assert sum(s["jasa_modal_idr"] for s in shares) == drafted["pools_idr"]["jasa_modal"]
    assert all("drafted_by" not in data and "approved_by" not in data for data in published)
    assert [business_date_of(e) for e in events] == [date(2026, 2, 1), RAT, RAT, RAT]


def test_the_csv_has_a_header_and_plain_integer_rupiah() -> None:
    text = allocations_csv([{"member_no": None, "member_id": "member-a",
                             "capital_basis_idr": 1_500_000, "transaction_basis_idr": 0,
                             "jasa_modal_idr": 180_000, "jasa_usaha_idr": 0,
                             "total_idr": 180_000}])
    assert text.splitlines() == [
        "member_no,member_id,capital_basis_idr,transaction_basis_idr,jasa_modal_idr,"
        "jasa_usaha_idr,total_idr",
        ",member-a,1500000,0,180000,0,180000"]
