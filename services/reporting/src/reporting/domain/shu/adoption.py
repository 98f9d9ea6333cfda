"""Adopting a version of the SHU policy: the checks a policy must pass."""

from __future__ import annotations

import re
from datetime import date

from gotong_platform.money import BP_PER_UNIT
from reporting.domain.shu import errors
from reporting.domain.shu.commands import AdoptShuPolicy
from reporting.domain.shu.events import ShuPolicyAdopted
from reporting.domain.shu.fiscal import fiscal_period
from reporting.domain.shu.policy import MEMBER_POOLS, ShuPolicy
from reporting.domain.shu.values import Structure

__all__ = ["adopt_shu_policy"]

MAX_POOLS = 20
_POOL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def adopt_shu_policy(
    versions_so_far: int, command: AdoptShuPolicy, *, cooperative_id: str, today: date
) -> list[ShuPolicyAdopted]:
    """Version ``versions_so_far + 1`` of the cooperative's policy, or the broken rule."""
    fiscal_period(command.effective_fiscal_year)  # range check
    _check_pools(command)
    if command.structure is Structure.NESTED:
        _check_nested(command)
    elif (command.member_share_bp, command.jasa_modal_split_bp,
          command.jasa_usaha_split_bp) != (None, None, None):
        raise errors.NestedTermsMismatch(
            "A flat policy states jasa modal and jasa usaha as pools; leave the member share "
            "and its split empty, or choose the nested structure.")
    if not command.capital_savings_types:
        raise errors.CapitalBasisEmpty("Name at least one simpanan type for jasa modal.")
    if not command.transaction_basis:
        raise errors.TransactionBasisEmpty("Name at least one kind of business for jasa usaha.")
    policy = ShuPolicy(
        cooperative_id=cooperative_id, policy_version=versions_so_far + 1,
        effective_fiscal_year=command.effective_fiscal_year, structure=command.structure,
        pools_bp=dict(command.pools_bp), reserve_pool=command.reserve_pool,
        member_share_bp=command.member_share_bp,
        jasa_modal_split_bp=command.jasa_modal_split_bp,
        jasa_usaha_split_bp=command.jasa_usaha_split_bp,
        capital_savings_types=tuple(sorted(set(command.capital_savings_types))),
        capital_measure=command.capital_measure,
        transaction_basis=tuple(sorted(set(command.transaction_basis))),
        member_sourced_only=command.member_sourced_only,
        include_exited_members=command.include_exited_members, adopted_on=today,
    )
    return [ShuPolicyAdopted(policy=policy)]


def _check_pools(command: AdoptShuPolicy) -> None:
    if len(command.pools_bp) > MAX_POOLS:
        raise errors.TooManyPools(f"A policy has at most {MAX_POOLS} pools.")
    for name, bp in command.pools_bp.items():
        if not _POOL_NAME.match(name):
            raise errors.InvalidPoolName(
                f"Pool {name!r}: use a-z, 0-9 and _, starting with a letter, at most 40 long.")
        _check_bp(bp, f"Pool {name!r}")
    if command.reserve_pool not in command.pools_bp:
        raise errors.ReservePoolMissing(
            f"The reserve pool {command.reserve_pool!r} must be one of the pools.")
    if command.reserve_pool in MEMBER_POOLS:
        raise errors.MemberPoolMisplaced(
            f"{command.reserve_pool!r} is distributed to members; it cannot be the reserve.")
    total = sum(command.pools_bp.values())
    if command.structure is Structure.FLAT and total != BP_PER_UNIT:
        raise errors.AllocationNotWhole(f"The pools add up to {total} bp, not 10000.")


def _check_nested(command: AdoptShuPolicy) -> None:
    share, modal, usaha = (command.member_share_bp, command.jasa_modal_split_bp,
                           command.jasa_usaha_split_bp)
    if share is None or modal is None or usaha is None:
        raise errors.NestedTermsMismatch(
            "A nested policy needs the member share and its split into jasa modal and "
            "jasa usaha.")
    for value, what in ((share, "The member share"), (modal, "The jasa modal part"),
                        (usaha, "The jasa usaha part")):
        _check_bp(value, what)
    if modal + usaha != BP_PER_UNIT:
        raise errors.MemberSplitNotWhole(
            f"Jasa modal and jasa usaha split the member share {modal} + {usaha} bp, "
            "not 10000.")
    misplaced = [name for name in MEMBER_POOLS if name in command.pools_bp]
    if misplaced:
        raise errors.MemberPoolMisplaced(
            f"{misplaced[0]!r} is part of the member share; list only the other pools.")
    total = share + sum(command.pools_bp.values())
    if total != BP_PER_UNIT:
        raise errors.AllocationNotWhole(
            f"The member share and the other pools add up to {total} bp, not 10000.")


def _check_bp(bp: int, what: str) -> None:
    if not 0 <= bp <= BP_PER_UNIT:
        raise errors.BasisPointsOutOfRange(f"{what} must lie between 0 and 10000 bp; got {bp}.")
