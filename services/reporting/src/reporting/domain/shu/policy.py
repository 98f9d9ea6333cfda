"""A cooperative's SHU policy: one adopted version, and each pool's share of the SHU.

Percentages are basis points (10000 bp = 100 %). Exactly one pool is the reserve
(dana cadangan): it also receives every rupiah the others cannot take (rounding,
the non-member part of the SHU, a pool nobody has a basis for), so the pools
always add up to the SHU exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from gotong_platform.money import BP_PER_UNIT
from reporting.domain.shu.values import (
    JASA_MODAL,
    JASA_USAHA,
    CapitalMeasure,
    SavingsType,
    Structure,
    TransactionKind,
)

__all__ = ["MEMBER_POOLS", "WEIGHT_DENOMINATOR", "ShuPolicy"]

# Pool weights are in parts per 10^8 so that a nested share (bp of bp) is exact.
WEIGHT_DENOMINATOR = BP_PER_UNIT * BP_PER_UNIT
MEMBER_POOLS = (JASA_MODAL, JASA_USAHA)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShuPolicy:
    """One adopted version; see ``AdoptShuPolicy`` for the meaning of the fields."""

    cooperative_id: str
    policy_version: int
    effective_fiscal_year: int
    structure: Structure
    pools_bp: Mapping[str, int]
    reserve_pool: str
    member_share_bp: int | None
    jasa_modal_split_bp: int | None
    jasa_usaha_split_bp: int | None
    capital_savings_types: tuple[SavingsType, ...]
    capital_measure: CapitalMeasure
    transaction_basis: tuple[TransactionKind, ...]
    member_sourced_only: bool
    include_exited_members: bool
    adopted_on: date

    def pool_weights(self) -> dict[str, int]:
        """Every pool's share of the SHU in parts per 10^8 (they sum to 10^8)."""
        weights = {name: bp * BP_PER_UNIT for name, bp in self.pools_bp.items()}
        if self.structure is Structure.NESTED:
            share = self.member_share_bp or 0
            weights[JASA_MODAL] = share * (self.jasa_modal_split_bp or 0)
            weights[JASA_USAHA] = share * (self.jasa_usaha_split_bp or 0)
        for name in MEMBER_POOLS:  # a flat policy may leave one out: it gets 0
            weights.setdefault(name, 0)
        return weights
