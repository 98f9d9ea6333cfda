"""Adopting an SHU policy: each broken rule is refused by name."""

from __future__ import annotations

from typing import Any

import pytest
from test_shu_builders import HANDBOOK_POOLS, a_policy

from gotong_platform.domain import DomainError
from reporting.domain.shu import (
    WEIGHT_DENOMINATOR,
    AllocationNotWhole,
    BasisPointsOutOfRange,
    CapitalBasisEmpty,
    InvalidFiscalYear,
    InvalidPoolName,
    MemberPoolMisplaced,
    MemberSplitNotWhole,
    NestedTermsMismatch,
    ReservePoolMissing,
    SavingsType,
    Structure,
    TooManyPools,
    TransactionBasisEmpty,
    TransactionKind,
)

pytestmark = pytest.mark.unit

NESTED: dict[str, Any] = {
    "structure": Structure.NESTED, "member_share_bp": 4500, "jasa_modal_split_bp": 4444,
    "jasa_usaha_split_bp": 5556,
    "pools_bp": {"cadangan": 4000, "pengurus_pengawas": 500, "karyawan": 500,
                 "pendidikan": 250, "sosial": 250},
}


@pytest.mark.parametrize(("overrides", "error"), [
    ({"pools_bp": {**HANDBOOK_POOLS, "cadangan": 3999}}, AllocationNotWhole),
    ({"pools_bp": {**HANDBOOK_POOLS, "cadangan": 4000, "sosial": -250, "pendidikan": 750}},
     BasisPointsOutOfRange),
    ({"pools_bp": {"Dana Sosial": 250, **{k: v for k, v in HANDBOOK_POOLS.items()
                                          if k != "sosial"}}}, InvalidPoolName),
    ({"reserve_pool": "reserve"}, ReservePoolMissing),
    ({"reserve_pool": "jasa_modal"}, MemberPoolMisplaced),
    ({"pools_bp": {f"dana_{i}": 1 for i in range(20)} | {"cadangan": 9980}}, TooManyPools),
    ({"member_share_bp": 4500}, NestedTermsMismatch),
    ({"capital_savings_types": ()}, CapitalBasisEmpty),
    ({"transaction_basis": ()}, TransactionBasisEmpty),
    ({"effective_fiscal_year": 1800}, InvalidFiscalYear),
    ({**NESTED, "jasa_usaha_split_bp": 5555}, MemberSplitNotWhole),
    ({**NESTED, "member_share_bp": None}, NestedTermsMismatch),
    ({**NESTED, "member_share_bp": 4400}, AllocationNotWhole),
    ({**NESTED, "member_share_bp": 10_001}, BasisPointsOutOfRange),
    ({**NESTED, "pools_bp": {**NESTED["pools_bp"], "cadangan": 3000, "jasa_usaha": 1000}},
     MemberPoolMisplaced),
])
def test_a_policy_breaking_a_rule_is_refused_by_name(overrides: dict[str, Any],
                                                     error: type[DomainError]) -> None:
    with pytest.raises(error):
        a_policy(**overrides)


def test_flat_weights_are_the_pools_basis_points() -> None:
    weights = a_policy().pool_weights()
    assert weights["jasa_modal"] == 2000 * 10_000
    assert sum(weights.values()) == WEIGHT_DENOMINATOR


def test_a_flat_policy_may_leave_out_a_member_pool_which_then_gets_nothing() -> None:
    pools = {"cadangan": 5000, "jasa_usaha": 5000}
    assert a_policy(pools_bp=pools).pool_weights()["jasa_modal"] == 0


def test_nested_weights_are_the_member_share_times_its_split() -> None:
    weights = a_policy(**NESTED).pool_weights()
    assert weights["jasa_modal"] == 4500 * 4444
    assert weights["jasa_usaha"] == 4500 * 5556
    assert weights["cadangan"] == 4000 * 10_000
    assert sum(weights.values()) == WEIGHT_DENOMINATOR


def test_a_nested_policy_with_a_30_70_split_as_in_the_handbook() -> None:
    policy = a_policy(structure=Structure.NESTED, member_share_bp=5000, jasa_modal_split_bp=3000,
                      jasa_usaha_split_bp=7000, pools_bp={"cadangan": 5000})
    assert policy.pool_weights() == {"cadangan": 50_000_000, "jasa_modal": 15_000_000,
                                     "jasa_usaha": 35_000_000}


def test_bases_are_kept_sorted_and_without_repeats() -> None:
    policy = a_policy(capital_savings_types=(SavingsType.WAJIB, SavingsType.POKOK,
                                             SavingsType.WAJIB),
                      transaction_basis=(TransactionKind.PRODUCE_SOLD,
                                         TransactionKind.MEMBER_PURCHASES,
                                         TransactionKind.PRODUCE_SOLD))
    assert policy.capital_savings_types == (SavingsType.POKOK, SavingsType.WAJIB)
    assert policy.transaction_basis == (TransactionKind.MEMBER_PURCHASES,
                                        TransactionKind.PRODUCE_SOLD)


def test_free_pool_names_with_one_reserve_of_any_name() -> None:
    policy = a_policy(pools_bp={"dana_cadangan": 3000, "jasa_modal": 2000, "jasa_usaha": 3000,
                                "pembangunan_daerah_kerja": 1000, "dana_sosial": 1000},
                      reserve_pool="dana_cadangan")
    assert policy.reserve_pool == "dana_cadangan"
