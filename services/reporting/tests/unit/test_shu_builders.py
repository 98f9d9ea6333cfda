"""Readable SHU test data: valid by default, override what matters.

Policies are adopted through the real decider, so every policy a test uses is one
the domain accepts. (The file is named ``test_shu_*`` to sit with the SHU tests;
its own tests check that the defaults are what the handbook's example needs.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from reporting.domain.shu import (
    AdoptShuPolicy,
    BusinessTotals,
    MemberBasis,
    MemberFacts,
    ShuPolicy,
    Structure,
    TransactionKind,
    adopt_shu_policy,
)

pytestmark = pytest.mark.unit

COOP = "cooperative-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e0f"
TODAY = date(2026, 3, 2)
HANDBOOK_POOLS: Mapping[str, int] = {
    "cadangan": 4000, "jasa_modal": 2000, "jasa_usaha": 2500, "pengurus_pengawas": 500,
    "karyawan": 500, "pendidikan": 250, "sosial": 250,
}


def a_policy_command(**overrides: Any) -> AdoptShuPolicy:
    fields: dict[str, Any] = {
        "effective_fiscal_year": 2025, "structure": Structure.FLAT,
        "pools_bp": dict(HANDBOOK_POOLS),
        "transaction_basis": (TransactionKind.MEMBER_PURCHASES, TransactionKind.PRODUCE_SOLD),
    }
    fields.update(overrides)
    return AdoptShuPolicy(**fields)


def a_policy(version: int = 1, **overrides: Any) -> ShuPolicy:
    (event,) = adopt_shu_policy(version - 1, a_policy_command(**overrides), cooperative_id=COOP,
                                today=TODAY)
    return event.policy


def a_member(n: int, capital: int = 0, transactions: int = 0) -> MemberBasis:
    return MemberBasis(member_id=f"member-{n:04d}", member_no=f"{n:05d}", capital_idr=capital,
                       transaction_idr=transactions)


def member_facts(n: int, *, balance: int = 0, purchases: int = 0, produce: int = 0,
                 interest: int = 0, status: str = "admitted",
                 status_since: date = date(2020, 1, 1), months_active: int = 12,
                 balances: tuple[int, ...] | None = None) -> MemberFacts:
    return MemberFacts(
        member_id=f"member-{n:04d}", member_no=f"{n:05d}", status=status,
        status_since=status_since,
        month_end_balances_idr=balances if balances is not None else (balance,) * 12,
        months_active=months_active, member_purchases_idr=purchases, produce_sold_idr=produce,
        loan_interest_paid_idr=interest)


def totals(member_sales: int = 0, all_sales: int = 0, produce: int = 0,
           interest: int = 0) -> BusinessTotals:
    return BusinessTotals(member_sales_idr=member_sales, all_sales_idr=all_sales,
                          produce_idr=produce, loan_interest_idr=interest)


def test_the_default_policy_is_the_handbooks_flat_policy() -> None:
    policy = a_policy()
    assert policy.policy_version == 1
    assert policy.pools_bp == HANDBOOK_POOLS
    assert sum(policy.pools_bp.values()) == 10_000
    assert policy.reserve_pool == "cadangan"
    assert policy.member_sourced_only is True
    assert policy.include_exited_members is False


def test_a_later_version_numbers_on() -> None:
    assert a_policy(version=3).policy_version == 3
