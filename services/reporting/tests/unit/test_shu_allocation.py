"""The SHU arithmetic: member-sourced share, pools, the reserve's remainders, members."""

from __future__ import annotations

import pytest
from test_shu_builders import a_member, a_policy

from reporting.domain.shu import (
    BasisNegative,
    DuplicateMemberBasis,
    GrossSplit,
    MemberBasis,
    MemberGrossExceedsTotal,
    ShuNegative,
    calculate_shu,
    member_sourced_shu,
    split_into_pools,
)

pytestmark = pytest.mark.unit

ALL_MEMBERS = GrossSplit(member_gross_idr=1, total_gross_idr=1)


def test_the_member_sourced_share_rounds_down() -> None:
    gross = GrossSplit(member_gross_idr=2, total_gross_idr=3)
    assert member_sourced_shu(100, gross, enabled=True) == 66  # 66.67 → 66
    assert member_sourced_shu(100, gross, enabled=False) == 100


def test_with_no_business_at_all_the_whole_shu_counts_as_member_sourced() -> None:
    assert member_sourced_shu(100, GrossSplit(member_gross_idr=0, total_gross_idr=0),
                              enabled=True) == 100


def test_member_business_cannot_exceed_all_business() -> None:
    with pytest.raises(MemberGrossExceedsTotal):
        member_sourced_shu(100, GrossSplit(member_gross_idr=4, total_gross_idr=3), enabled=True)
    with pytest.raises(BasisNegative):
        member_sourced_shu(100, GrossSplit(member_gross_idr=-1, total_gross_idr=3), enabled=True)


def test_the_non_member_part_goes_to_the_reserve_whole() -> None:
    # 75 % of the business was with members: pools are shares of Rp 90.000.000.
    gross = GrossSplit(member_gross_idr=750, total_gross_idr=1000)
    result = calculate_shu(a_policy(), 120_000_000, [a_member(1, 1, 1)], gross)
    assert result.shu_member_sourced_idr == 90_000_000
    assert result.shu_non_member_idr == 30_000_000
    assert result.pools_idr["jasa_modal"] == 18_000_000
    assert result.pools_idr["jasa_usaha"] == 22_500_000
    assert result.pools_idr["cadangan"] == 36_000_000 + 30_000_000
    assert sum(result.pools_idr.values()) == 120_000_000


def test_rounding_remainders_of_the_pools_go_to_the_reserve() -> None:
    pools = split_into_pools(a_policy(), 999, 999)
    # 999 * 2000 / 10000 = 199.8 → 199; 2500 → 249.75 → 249; 500 → 49.95 → 49; 250 → 24.975
    assert pools == {"jasa_modal": 199, "jasa_usaha": 249, "pengurus_pengawas": 49,
                     "karyawan": 49, "pendidikan": 24, "sosial": 24, "cadangan": 405}
    assert sum(pools.values()) == 999


def test_a_member_with_no_basis_gets_nothing() -> None:
    result = calculate_shu(a_policy(), 1_000_000, [a_member(1, 100, 100), a_member(2, 0, 0)],
                           ALL_MEMBERS)
    nobody = result.allocations[1]
    assert (nobody.jasa_modal_idr, nobody.jasa_usaha_idr) == (0, 0)


def test_a_pool_nobody_has_a_basis_for_goes_to_the_reserve() -> None:
    members = [a_member(1, capital=500, transactions=0), a_member(2, capital=500)]
    result = calculate_shu(a_policy(), 1_000_000, members, ALL_MEMBERS)
    assert result.pools_idr["jasa_usaha"] == 0
    assert result.pools_idr["cadangan"] == 400_000 + 250_000
    assert sum(a.jasa_usaha_idr for a in result.allocations) == 0
    assert sum(result.pools_idr.values()) == 1_000_000


def test_no_members_at_all_leaves_everything_but_the_funds_to_the_reserve() -> None:
    result = calculate_shu(a_policy(), 1_000_000, [], ALL_MEMBERS)
    assert result.pools_idr["cadangan"] == 850_000
    assert result.allocations == ()


def test_ties_go_to_the_lower_member_number() -> None:
    members = [a_member(3, capital=1), a_member(1, capital=1), a_member(2, capital=1)]
    policy = a_policy(pools_bp={"cadangan": 9000, "jasa_modal": 1000})
    result = calculate_shu(policy, 1000, members, ALL_MEMBERS)  # jasa modal 100 over 3
    assert [(a.member_no, a.jasa_modal_idr) for a in result.allocations] == [
        ("00001", 34), ("00002", 33), ("00003", 33)]


def test_members_without_a_number_come_after_numbered_ones_by_id() -> None:
    unnumbered = MemberBasis(member_id="member-a", member_no=None, capital_idr=1,
                             transaction_idr=0)
    result = calculate_shu(a_policy(), 1000, [unnumbered, a_member(9, capital=1)], ALL_MEMBERS)
    assert [a.member_id for a in result.allocations] == ["member-0009", "member-a"]


def test_a_zero_shu_allocates_zero_everywhere() -> None:
    result = calculate_shu(a_policy(), 0, [a_member(1, 5, 5)], ALL_MEMBERS)
    assert set(result.pools_idr.values()) == {0}
    assert result.allocations[0].total_idr == 0


@pytest.mark.parametrize(("shu", "members", "error"), [
    (-1, [a_member(1, 1, 1)], ShuNegative),
    (100, [a_member(1, 1, 1), a_member(1, 2, 2)], DuplicateMemberBasis),
    (100, [a_member(1, -1, 1)], BasisNegative),
])
def test_impossible_inputs_are_refused(shu: int, members: list[MemberBasis],
                                       error: type[Exception]) -> None:
    with pytest.raises(error):
        calculate_shu(a_policy(), shu, members, ALL_MEMBERS)
