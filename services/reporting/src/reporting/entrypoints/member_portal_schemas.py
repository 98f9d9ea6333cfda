"""Answers of the member's own window (``/member-portal/...``): her SHU, her cooperative."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

__all__ = ["CooperativeSummaryOut", "MemberShuOut", "RatioOut"]


class ShuPartOut(BaseModel):
    pool_idr: int = Field(description="the pool in rupiah, as the RAT adopted it")
    share_of_shu_bp: int | None = Field(description="flat policy: the pool's share of the "
                                                    "SHU (or of the member-sourced SHU)")
    member_share_bp: int | None = Field(description="nested policy: SHU bagian anggota")
    split_bp: int | None = Field(description="nested policy: this part of the member share")
    basis_total_idr: int = Field(description="every member's basis (S_tot or V_tot)")
    your_basis_idr: int = Field(description="hers (S_a or V_a)")
    per_1000_idr: int | None = Field(description="the pool per Rp 1.000 of basis, rounded "
                                                 "half up; null when nobody had a basis")
    amount_idr: int = Field(description="her part, as the approved member table holds it")
    basis: list[str] = Field(description="savings types, or transaction kinds")


class ShuYearOut(BaseModel):
    fiscal_year: int
    calc_id: str
    period_start: date
    period_end: date
    rat_date: date
    shu_total_idr: int
    shu_member_sourced_idr: int
    shu_non_member_idr: int
    member_sourced_only: bool
    included: bool = Field(description="false: she was not among the members it shared "
                                        "among (her amounts are 0)")
    member_count: int
    jasa_modal: ShuPartOut
    jasa_usaha: ShuPartOut
    total_idr: int
    explanation: list[str] = Field(description="the figures above in plain Indonesian")


class MemberShuOut(BaseModel):
    member_id: str
    cooperative_id: str
    member_no: str | None
    member_status: str
    current_at: datetime = Field(description="when these figures were read")
    years: list[ShuYearOut] = Field(description="every year a RAT adopted, newest first")


class RatioOut(BaseModel):
    numerator: int
    denominator: int
    bp: int | None


class MembersOut(BaseModel):
    active: int
    women: int
    men: int
    admitted: int
    exited: int
    participation_rate: RatioOut


class SavingsOut(BaseModel):
    pokok_idr: int
    wajib_idr: int
    sukarela_idr: int
    total_idr: int


class LoansOut(BaseModel):
    outstanding_idr: int = Field(description="gross loan portfolio at the month's end")
    active_loans: int
    disbursed_idr: int
    disbursed_count: int
    par30: RatioOut


class BusinessOut(BaseModel):
    shop_omzet_idr: int = Field(description="net of voids")
    member_share_of_omzet: RatioOut
    produce_bought_idr: int
    produce_bought_kg: int
    volume_usaha_idr: int


class MonthOut(BaseModel):
    month: str
    start: date
    end: date
    figures_available: bool = Field(description="false: the month's figures could not be "
                                                "computed (they read 0)")
    members: MembersOut
    savings: SavingsOut
    loans: LoansOut
    business: BusinessOut


class PoolOut(BaseModel):
    pool: str
    amount_idr: int
    share_bp: int | None = Field(description="the AD/ART's share; null for a nested part "
                                             "that is not a whole basis point")


class RatOut(BaseModel):
    fiscal_year: int
    rat_date: date
    shu_total_idr: int
    shu_member_sourced_idr: int
    member_count: int
    members_total_idr: int = Field(description="jasa modal + jasa usaha")
    reserve_pool: str
    pools: list[PoolOut] = Field(description="the reserve, the members' pools, the funds")


class CooperativeSummaryOut(BaseModel):
    cooperative_id: str
    name: str | None
    regency_name: str | None
    current_at: datetime
    month: MonthOut = Field(description="the last closed month (or the month asked for)")
    rat: RatOut | None = Field(description="the last SHU a RAT adopted; null: none yet")
