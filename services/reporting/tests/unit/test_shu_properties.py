"""Properties of the SHU arithmetic, for any policy, SHU, bases and gross business.

- the pools add up to the SHU exactly;
- the members' shares add up to each member pool exactly;
- each member's share lies within 1 rupiah of the exact proportional share;
- the result does not depend on the order the members come in (deterministic);
- a nested policy gives exactly what the equivalent flat policy gives.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_shu_builders import a_policy

from reporting.domain.shu import (
    JASA_MODAL,
    JASA_USAHA,
    GrossSplit,
    MemberBasis,
    ShuPolicy,
    ShuResult,
    Structure,
    calculate_shu,
)

pytestmark = pytest.mark.unit

OTHER_POOLS = ["cadangan", "pengurus_pengawas", "karyawan", "pendidikan", "sosial"]


def _split(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    """``parts`` non-negative integers that add up to ``total``."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1,
                                max_size=parts - 1)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@st.composite
def flat_policies(draw: st.DrawFn) -> ShuPolicy:
    names = [JASA_MODAL, JASA_USAHA, *OTHER_POOLS[:draw(st.integers(1, len(OTHER_POOLS)))]]
    return a_policy(pools_bp=dict(zip(names, _split(draw, 10_000, len(names)), strict=True)),
                    member_sourced_only=draw(st.booleans()))


@st.composite
def nested_policies(draw: st.DrawFn) -> ShuPolicy:
    share = draw(st.integers(0, 10_000))
    modal = draw(st.integers(0, 10_000))
    others = OTHER_POOLS[:draw(st.integers(1, len(OTHER_POOLS)))]
    return a_policy(structure=Structure.NESTED, member_share_bp=share,
                    jasa_modal_split_bp=modal, jasa_usaha_split_bp=10_000 - modal,
                    pools_bp=dict(zip(others, _split(draw, 10_000 - share, len(others)),
                                      strict=True)),
                    member_sourced_only=draw(st.booleans()))


policies = st.one_of(flat_policies(), nested_policies())
shus = st.integers(0, 10**13)  # up to Rp 10 trillion
basis = st.one_of(st.just(0), st.integers(0, 10**11))


@st.composite
def member_lists(draw: st.DrawFn) -> list[MemberBasis]:
    count = draw(st.integers(0, 40))
    numbers = draw(st.lists(st.integers(1, 99_999), min_size=count, max_size=count,
                            unique=True))
    return [MemberBasis(member_id=f"member-{n}", member_no=f"{n:05d}",
                        capital_idr=draw(basis), transaction_idr=draw(basis)) for n in numbers]


@st.composite
def grosses(draw: st.DrawFn) -> GrossSplit:
    total = draw(st.integers(0, 10**13))
    return GrossSplit(member_gross_idr=draw(st.integers(0, total)), total_gross_idr=total)


def _pool_and_weights(result: ShuResult, pool: str) -> tuple[int, list[int], list[int]]:
    attr = "capital_basis_idr" if pool == JASA_MODAL else "transaction_basis_idr"
    part = "jasa_modal_idr" if pool == JASA_MODAL else "jasa_usaha_idr"
    return (result.pools_idr[pool], [getattr(a, attr) for a in result.allocations],
            [getattr(a, part) for a in result.allocations])


@given(policy=policies, shu=shus, members=member_lists(), gross=grosses())
def test_pools_always_add_up_to_the_shu(policy: ShuPolicy, shu: int,
                                        members: list[MemberBasis], gross: GrossSplit) -> None:
    result = calculate_shu(policy, shu, members, gross)
    assert sum(result.pools_idr.values()) == shu
    assert all(amount >= 0 for amount in result.pools_idr.values())
    assert result.shu_member_sourced_idr <= shu


@given(policy=policies, shu=shus, members=member_lists(), gross=grosses())
def test_member_shares_add_up_to_each_pool_and_lie_within_a_rupiah_of_exact(
    policy: ShuPolicy, shu: int, members: list[MemberBasis], gross: GrossSplit
) -> None:
    result = calculate_shu(policy, shu, members, gross)
    for pool in (JASA_MODAL, JASA_USAHA):
        amount, weights, parts = _pool_and_weights(result, pool)
        assert sum(parts) == amount
        total_weight = sum(weights)
        for weight, part in zip(weights, parts, strict=True):
            if total_weight == 0:
                assert part == 0
                continue
            # |part - amount * weight / total_weight| < 1, in integers
            assert abs(part * total_weight - amount * weight) < total_weight
            if weight == 0:
                assert part == 0


@given(policy=policies, shu=shus, members=member_lists(), gross=grosses(), data=st.data())
def test_the_result_does_not_depend_on_the_order_of_members(
    policy: ShuPolicy, shu: int, members: list[MemberBasis], gross: GrossSplit,
    data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(members))
    assert calculate_shu(policy, shu, shuffled, gross) == calculate_shu(policy, shu, members,
                                                                         gross)


@st.composite
def equivalent_policies(draw: st.DrawFn) -> tuple[ShuPolicy, ShuPolicy]:
    """A nested policy and the flat one with the same effective percentages."""
    share = draw(st.integers(0, 10_000))
    step = 10_000 // math.gcd(share, 10_000) if share else 1
    modal_split = draw(st.integers(0, 10_000 // step)) * step
    modal = share * modal_split // 10_000  # exact by the choice of step
    others = OTHER_POOLS[:draw(st.integers(1, len(OTHER_POOLS)))]
    other_bp = dict(zip(others, _split(draw, 10_000 - share, len(others)), strict=True))
    flag: dict[str, Any] = {"member_sourced_only": draw(st.booleans())}
    nested = a_policy(structure=Structure.NESTED, member_share_bp=share,
                      jasa_modal_split_bp=modal_split, jasa_usaha_split_bp=10_000 - modal_split,
                      pools_bp=other_bp, **flag)
    flat = a_policy(pools_bp={**other_bp, JASA_MODAL: modal, JASA_USAHA: share - modal}, **flag)
    return nested, flat


@given(pair=equivalent_policies(), shu=shus, members=member_lists(), gross=grosses())
def test_nested_gives_exactly_what_the_equivalent_flat_policy_gives(
    pair: tuple[ShuPolicy, ShuPolicy], shu: int, members: list[MemberBasis], gross: GrossSplit
) -> None:
    nested, flat = pair
    assert nested.pool_weights() == flat.pool_weights()
    assert calculate_shu(nested, shu, members, gross) == calculate_shu(flat, shu, members, gross)
