"""Published events of the reporting service (topic ``gotong.reporting.events``).

The SHU (Sisa Hasil Usaha) engine: a cooperative's SHU policy versions, the
calculation of a fiscal year (drafted, then approved at the annual members'
meeting, RAT) and each member's share once approved. Money is integer rupiah,
percentages basis points (10000 = 100 %). No names and no NIK: ``member_id`` is
the opaque id the members service published.

A month's key figures per cooperative (``MonthlyKpisPublished``): published when the
federation office publishes a finished month, a new ``revision`` each time a publication
finds the figures changed (late uploads); the partner gateway turns them into the
``monthly_kpis`` partner contract for the lenders a cooperative consented to.

Rounding, stated once for every amount here: pools are
``floor(SHU_member_sourced * bp / 10000)`` (nested: member share bp * split bp /
10^8) and the reserve pool takes the rest, so ``pools_idr`` adds up to
``shu_total_idr`` exactly; ``shu_member_sourced_idr`` is
``floor(shu_total_idr * member_gross_idr / total_gross_idr)``; members' jasa modal
and jasa usaha are largest-remainder splits of their pools (ties by member
number), so they add up to ``pools_idr["jasa_modal"]`` and ``["jasa_usaha"]`` exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from gotong_platform.contracts.base import EventContract, register
from gotong_platform.money import MAX_TOTAL_IDR, TotalRupiah

__all__ = [
    "REPORTING_TOPIC",
    "MemberShuAllocatedV1",
    "MonthlyKpisPublishedV1",
    "ShuCalculationApprovedV1",
    "ShuCalculationDraftedV1",
    "ShuPolicyAdoptedV1",
    "ShuPolicyTerms",
]

REPORTING_TOPIC = "gotong.reporting.events"
SavingsType = Literal["pokok", "wajib", "sukarela"]
CapitalMeasure = Literal["year_end_balance", "average_monthly_balance", "months_prorated"]
TransactionKind = Literal["member_purchases", "produce_sold", "loan_interest_paid"]
# A figure of a month as reporting computed it: signed, because the facts may make it
# negative (voids of earlier months' sales above the month's own sales), and a report
# shows it as it is.
SignedTotalRupiah = Annotated[int, Field(ge=-MAX_TOTAL_IDR, le=MAX_TOTAL_IDR)]


class ShuPolicyTerms(BaseModel):
    """One version of a cooperative's SHU policy, as adopted."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    policy_version: int = Field(ge=1)
    effective_fiscal_year: int
    structure: Literal["flat", "nested"]
    pools_bp: dict[str, int] = Field(
        description="flat: every pool (they sum to 10000); nested: the pools beside the "
                    "member share (they sum to 10000 - member_share_bp)")
    reserve_pool: str = Field(description="the pool that takes every remainder")
    member_share_bp: int | None = Field(default=None, description="nested only")
    jasa_modal_split_bp: int | None = Field(default=None, description="nested only")
    jasa_usaha_split_bp: int | None = Field(default=None, description="nested only")
    capital_savings_types: list[SavingsType]
    capital_measure: CapitalMeasure
    transaction_basis: list[TransactionKind]
    member_sourced_only: bool
    include_exited_members: bool


class _Reporting(EventContract):
    source: ClassVar[str] = "reporting"
    cooperative_id: str


@register
class ShuPolicyAdoptedV1(_Reporting):
    event_type: ClassVar[str] = "ShuPolicyAdopted"
    policy: ShuPolicyTerms
    adopted_on: date


@register
class ShuCalculationDraftedV1(_Reporting):
    """A draft: recomputable until approved; ``calc_version`` counts the drafts."""

    event_type: ClassVar[str] = "ShuCalculationDrafted"
    calc_id: str
    fiscal_year: int
    period_start: date
    period_end: date
    calc_version: int = Field(ge=1)
    policy: ShuPolicyTerms
    shu_total_idr: TotalRupiah
    shu_member_sourced_idr: TotalRupiah
    shu_non_member_idr: TotalRupiah
    member_gross_idr: TotalRupiah
    total_gross_idr: TotalRupiah
    pools_idr: dict[str, TotalRupiah]
    capital_basis_total_idr: TotalRupiah
    transaction_basis_total_idr: TotalRupiah
    member_count: int = Field(ge=0)
    drafted_on: date


@register
class ShuCalculationApprovedV1(_Reporting):
    """Approved at the RAT: frozen. Payouts reference ``calc_id``."""

    event_type: ClassVar[str] = "ShuCalculationApproved"
    calc_id: str
    fiscal_year: int
    calc_version: int = Field(ge=1)
    policy_version: int = Field(ge=1)
    rat_date: date
    shu_total_idr: TotalRupiah
    pools_idr: dict[str, TotalRupiah]
    member_count: int = Field(ge=0)


@register
class MemberShuAllocatedV1(_Reporting):
    """One member's SHU of an approved calculation: total = jasa modal + jasa usaha."""

    event_type: ClassVar[str] = "MemberShuAllocated"
    calc_id: str
    fiscal_year: int
    member_id: str
    capital_basis_idr: TotalRupiah
    transaction_basis_idr: TotalRupiah
    jasa_modal_idr: TotalRupiah
    jasa_usaha_idr: TotalRupiah
    total_idr: TotalRupiah
    rat_date: date


@register
class MonthlyKpisPublishedV1(_Reporting):
    """One cooperative's key figures of a finished month, as reporting computed them at
    ``known_at`` (the facts recorded by then). ``revision`` is 1 for the month's first
    publication and grows by one each time a later publication finds other figures;
    a publication that finds the same figures publishes nothing. The envelope's business
    date is ``month_end``: balances are taken at the end of that day."""

    event_type: ClassVar[str] = "MonthlyKpisPublished"
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    revision: int = Field(ge=1)
    month_end: date
    known_at: datetime
    omzet_idr: SignedTotalRupiah = Field(
        description="shop omzet of the month: sales after discount, net of voids")
    savings_balance_idr: SignedTotalRupiah = Field(description="pokok + wajib + sukarela")
    loans_outstanding_idr: SignedTotalRupiah = Field(
        description="gross loan portfolio: outstanding principal")
    par30_idr: SignedTotalRupiah = Field(
        description="outstanding of loans over 30 days past due, plus restructured loans")
    par30_bp: int | None = Field(description="par30_idr / loans_outstanding_idr in basis "
                                             "points; null when nothing is outstanding")
    active_members: int = Field(ge=0)
    last_recorded_at: datetime | None = Field(
        description="the last event of the cooperative the server had recorded by known_at")
    last_business_date: date | None
    last_activity_date: date | None = Field(
        description="the last business day with a sale, produce delivery, deposit or "
                    "repayment, up to month_end")
    stale: bool = Field(description="nothing recorded for more than the stale threshold")
    idle: bool = Field(description="no economic activity for more than the threshold")
