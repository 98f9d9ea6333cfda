"""The SHU arithmetic (handbook §5.2-§5.4): integer rupiah, sums exact by construction.

1. Member-sourced SHU (when the policy says so): ``floor(SHU * member_gross /
   total_gross)``. Rounding down never distributes a rupiah that did not come
   from members; with no gross business at all, the whole SHU counts as
   member-sourced (there is no non-member part to hold back).
2. Pools: every pool but the reserve gets ``floor(SHU_member_sourced * weight /
   10^8)`` (``weight`` is bp * 10^4 for a flat policy, member share bp * split
   bp for a nested one, so nested and flat agree exactly when their percentages
   do). The reserve gets the rest: its own share, every rounding rupiah and the
   whole non-member part (§0.4: non-member SHU becomes reserve).
3. A member pool nobody has a basis for (every S_a, or every V_a, is 0) cannot
   be distributed: it goes to the reserve as well.
4. Members: JMA = ``largest_remainder(pool_jasa_modal, S)``, JUA =
   ``largest_remainder(pool_jasa_usaha, V)``; ties by member number, then member id.
   Each part is within 1 rupiah of its exact share and a zero basis gets 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from gotong_platform.money import largest_remainder
from reporting.domain.shu import errors
from reporting.domain.shu.policy import WEIGHT_DENOMINATOR, ShuPolicy
from reporting.domain.shu.values import JASA_MODAL, JASA_USAHA

__all__ = [
    "GrossSplit",
    "MemberAllocation",
    "MemberBasis",
    "ShuResult",
    "calculate_shu",
    "member_sourced_shu",
    "split_into_pools",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberBasis:
    """One eligible member's bases for the fiscal year, in rupiah."""

    member_id: str
    member_no: str | None
    capital_idr: int  # S_a
    transaction_idr: int  # V_a

    def order_key(self) -> tuple[bool, str, str]:
        """Member number first (numbers sort as text: they are zero-padded), then id."""
        return (self.member_no is None, self.member_no or "", self.member_id)


@dataclasses.dataclass(frozen=True, kw_only=True)
class GrossSplit:
    """Gross business of the fiscal year: with members, and in total."""

    member_gross_idr: int
    total_gross_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberAllocation:
    member_id: str
    member_no: str | None
    capital_basis_idr: int
    transaction_basis_idr: int
    jasa_modal_idr: int
    jasa_usaha_idr: int

    @property
    def total_idr(self) -> int:
        """SHU_a = JMA_a + JUA_a."""
        return self.jasa_modal_idr + self.jasa_usaha_idr


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShuResult:
    shu_total_idr: int
    shu_member_sourced_idr: int
    member_gross_idr: int
    total_gross_idr: int
    pools_idr: Mapping[str, int]
    capital_basis_total_idr: int
    transaction_basis_total_idr: int
    allocations: tuple[MemberAllocation, ...]  # by member number

    @property
    def shu_non_member_idr(self) -> int:
        return self.shu_total_idr - self.shu_member_sourced_idr

    @property
    def member_count(self) -> int:
        return len(self.allocations)


def member_sourced_shu(shu_total_idr: int, gross: GrossSplit, *, enabled: bool) -> int:
    if gross.member_gross_idr < 0 or gross.total_gross_idr < 0:
        raise errors.BasisNegative("Gross business cannot be negative.")
    if gross.member_gross_idr > gross.total_gross_idr:
        raise errors.MemberGrossExceedsTotal(
            f"Business with members ({gross.member_gross_idr}) exceeds all business "
            f"({gross.total_gross_idr}).")
    if not enabled or gross.total_gross_idr == 0:
        return shu_total_idr
    return shu_total_idr * gross.member_gross_idr // gross.total_gross_idr


def split_into_pools(policy: ShuPolicy, shu_total_idr: int, shu_member_sourced_idr: int
                     ) -> dict[str, int]:
    """Pools that add up to ``shu_total_idr`` exactly (the reserve takes the rest)."""
    pools = {name: shu_member_sourced_idr * weight // WEIGHT_DENOMINATOR
             for name, weight in policy.pool_weights().items() if name != policy.reserve_pool}
    pools[policy.reserve_pool] = shu_total_idr - sum(pools.values())
    return pools


def calculate_shu(policy: ShuPolicy, shu_total_idr: int, members: Sequence[MemberBasis],
                  gross: GrossSplit) -> ShuResult:
    _check_inputs(shu_total_idr, members)
    ordered = sorted(members, key=MemberBasis.order_key)
    shu_ms = member_sourced_shu(shu_total_idr, gross, enabled=policy.member_sourced_only)
    pools = split_into_pools(policy, shu_total_idr, shu_ms)
    capital = [m.capital_idr for m in ordered]
    transactions = [m.transaction_idr for m in ordered]
    for pool, bases in ((JASA_MODAL, capital), (JASA_USAHA, transactions)):
        if sum(bases) == 0:  # nobody to give it to: the reserve keeps it
            pools[policy.reserve_pool] += pools[pool]
            pools[pool] = 0
    keys = [m.order_key() for m in ordered]
    modal = largest_remainder(pools[JASA_MODAL], capital, tie_break=keys)
    usaha = largest_remainder(pools[JASA_USAHA], transactions, tie_break=keys)
    allocations = tuple(
        MemberAllocation(member_id=m.member_id, member_no=m.member_no,
                         capital_basis_idr=m.capital_idr, transaction_basis_idr=m.transaction_idr,
                         jasa_modal_idr=jm, jasa_usaha_idr=ju)
        for m, jm, ju in zip(ordered, modal, usaha, strict=True))
    return ShuResult(
        shu_total_idr=shu_total_idr, shu_member_sourced_idr=shu_ms,
        member_gross_idr=gross.member_gross_idr, total_gross_idr=gross.total_gross_idr,
        pools_idr=pools, capital_basis_total_idr=sum(capital),
        transaction_basis_total_idr=sum(transactions), allocations=allocations)


def _check_inputs(shu_total_idr: int, members: Sequence[MemberBasis]) -> None:
    if shu_total_idr < 0:
        raise errors.ShuNegative(
            f"The SHU is {shu_total_idr}: a loss is carried forward, not distributed.")
    if len({m.member_id for m in members}) != len(members):
        raise errors.DuplicateMemberBasis("A member appears twice among the SHU bases.")
    if any(m.capital_idr < 0 or m.transaction_idr < 0 for m in members):
        raise errors.BasisNegative("A member's capital or transaction basis is negative.")
