"""Commands of the SHU engine, in the imperative: the forms as submitted."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from reporting.domain.shu.values import CapitalMeasure, SavingsType, Structure, TransactionKind

__all__ = ["AdoptShuPolicy", "ApproveShuCalculation", "DraftShuCalculation"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdoptShuPolicy:
    """A new version of the cooperative's SHU policy (AD/ART as ratified at a RAT).

    ``pools_bp``: flat, every pool including ``jasa_modal`` and ``jasa_usaha``;
    nested, the pools beside the member share. ``member_share_bp`` and the two
    ``*_split_bp`` are given exactly when the structure is nested.
    """

    effective_fiscal_year: int
    structure: Structure
    pools_bp: Mapping[str, int]
    transaction_basis: tuple[TransactionKind, ...]
    reserve_pool: str = "cadangan"
    member_share_bp: int | None = None
    jasa_modal_split_bp: int | None = None
    jasa_usaha_split_bp: int | None = None
    capital_savings_types: tuple[SavingsType, ...] = (SavingsType.POKOK, SavingsType.WAJIB)
    capital_measure: CapitalMeasure = CapitalMeasure.YEAR_END_BALANCE
    member_sourced_only: bool = True
    include_exited_members: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class DraftShuCalculation:
    fiscal_year: int
    shu_total_idr: int  # SHU after tax, from the books
    policy_version: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApproveShuCalculation:
    rat_date: date  # the annual members' meeting (Rapat Anggota Tahunan)
