"""API request and response models of the SHU routes (apart from events and contracts)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gotong_platform.money import MAX_TOTAL_IDR
from reporting.domain.shu import (
    AdoptShuPolicy,
    CapitalMeasure,
    SavingsType,
    Structure,
    TransactionKind,
)

__all__ = ["AdoptPolicyIn", "ApproveIn", "CalculationOut", "CalculationSummary", "DraftIn",
           "MemberShareOut", "PolicyOut"]

SavingsTypeIn = Literal["pokok", "wajib", "sukarela"]
TransactionKindIn = Literal["member_purchases", "produce_sold", "loan_interest_paid"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AdoptPolicyIn(_In):
    effective_fiscal_year: int = Field(examples=[2025])
    structure: Literal["flat", "nested"] = "flat"
    pools_bp: dict[str, int] = Field(
        description="flat: every pool incl. jasa_modal and jasa_usaha, summing to 10000; "
                    "nested: the pools beside the member share",
        examples=[{"cadangan": 4000, "jasa_modal": 2000, "jasa_usaha": 2500,
                   "pengurus_pengawas": 500, "karyawan": 500, "pendidikan": 250,
                   "sosial": 250}])
    reserve_pool: str = Field(default="cadangan", description="takes every remainder")
    member_share_bp: int | None = Field(default=None, description="nested only")
    jasa_modal_split_bp: int | None = Field(default=None, description="nested only")
    jasa_usaha_split_bp: int | None = Field(default=None, description="nested only")
    capital_savings_types: list[SavingsTypeIn] = Field(default=["pokok", "wajib"])
    capital_measure: Literal["year_end_balance", "average_monthly_balance",
                             "months_prorated"] = "year_end_balance"
    transaction_basis: list[TransactionKindIn] | None = Field(
        default=None, description="default by cooperative type (handbook §5.3): consumer "
        "member_purchases; producer and marketing produce_sold; savings_and_loan "
        "loan_interest_paid; multi_purpose all three")
    member_sourced_only: bool = True
    include_exited_members: bool = False

    def transaction_kinds(self) -> tuple[TransactionKind, ...] | None:
        """None when the caller leaves the basis to the cooperative type's default.

        An explicit empty list stays empty, so the domain refuses it by name.
        """
        if self.transaction_basis is None:
            return None
        return tuple(TransactionKind(k) for k in self.transaction_basis)

    def command(self, transaction_basis: tuple[TransactionKind, ...]) -> AdoptShuPolicy:
        return AdoptShuPolicy(
            effective_fiscal_year=self.effective_fiscal_year,
            structure=Structure(self.structure), pools_bp=self.pools_bp,
            transaction_basis=transaction_basis, reserve_pool=self.reserve_pool,
            member_share_bp=self.member_share_bp, jasa_modal_split_bp=self.jasa_modal_split_bp,
            jasa_usaha_split_bp=self.jasa_usaha_split_bp,
            capital_savings_types=tuple(SavingsType(t) for t in self.capital_savings_types),
            capital_measure=CapitalMeasure(self.capital_measure),
            member_sourced_only=self.member_sourced_only,
            include_exited_members=self.include_exited_members)


class PolicyOut(BaseModel):
    cooperative_id: str
    policy_version: int
    effective_fiscal_year: int
    structure: str
    pools_bp: dict[str, int]
    reserve_pool: str
    member_share_bp: int | None
    jasa_modal_split_bp: int | None
    jasa_usaha_split_bp: int | None
    capital_savings_types: list[str]
    capital_measure: str
    transaction_basis: list[str]
    member_sourced_only: bool
    include_exited_members: bool
    adopted_on: date
    adopted_by: str


class DraftIn(_In):
    fiscal_year: int = Field(examples=[2025])
    # The platform's limit of a total (docs/money.md); a loss year (below 0) is the
    # domain's shu-negative.
    shu_total_idr: int = Field(strict=True, le=MAX_TOTAL_IDR,
                               description="SHU after tax, from the books",
                               examples=[120_000_000])
    policy_version: int = Field(ge=1, examples=[1])


class ApproveIn(_In):
    rat_date: date = Field(description="the annual members' meeting (RAT) that approved it")


class CalculationSummary(BaseModel):
    calc_id: str
    cooperative_id: str
    fiscal_year: int
    period_start: date
    period_end: date
    policy_version: int
    status: Literal["draft", "approved"]
    calc_version: int
    shu_total_idr: int
    shu_member_sourced_idr: int
    shu_non_member_idr: int
    member_gross_idr: int
    total_gross_idr: int
    pools_idr: dict[str, int]
    capital_basis_total_idr: int
    transaction_basis_total_idr: int
    member_count: int
    policy: dict[str, object]
    drafted_by: str
    drafted_on: date
    rat_date: date | None
    approved_by: str | None


class MemberShareOut(BaseModel):
    member_no: str | None
    member_id: str
    capital_basis_idr: int
    transaction_basis_idr: int
    jasa_modal_idr: int
    jasa_usaha_idr: int
    total_idr: int


class CalculationOut(CalculationSummary):
    members: list[MemberShareOut]
