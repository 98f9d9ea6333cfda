"""API request and response models of loans (pinjaman)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from gotong_platform.money import PositiveRupiah
from payments.application.loan_service import LoanView
from payments.domain import InstalmentPosition, LoanRepaymentReceived
from payments.entrypoints.schemas import CashChannel, In, rupiah


def reason_field() -> Any:
    return Field(min_length=1, max_length=500, examples=["gagal panen (harvest failed)"])


class LoanApplyIn(In):
    member_id: str = Field(max_length=100, examples=["member-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d"])
    principal_idr: PositiveRupiah = rupiah(3_000_000)
    term_months: int = Field(ge=1, examples=[10])
    interest_rate_bp_per_month: int = Field(ge=0, examples=[150],
                                            description="jasa pinjaman; 150 bp = 1.5 % a month")
    method: Literal["flat", "declining_balance"] = Field(examples=["flat"])
    penalty_bp_per_month: int = Field(ge=0, examples=[200],
                                      description="denda on overdue instalments")
    first_due_date: date = Field(examples=["2026-04-10"])
    applied_on: date | None = Field(default=None, description="defaults to today")
    purpose: str | None = Field(default=None, max_length=200, examples=["modal_tani"])


class ApproveIn(In):
    approved_on: date | None = None


class RejectIn(In):
    reason: str = reason_field()
    rejected_on: date | None = None


class DisburseIn(In):
    disbursed_on: date | None = None


class RepaymentIn(In):
    amount_idr: PositiveRupiah = rupiah(330_000)
    channel: CashChannel = Field(examples=["cash"])
    paid_on: date | None = Field(default=None, description="defaults to today")
    reference: str | None = Field(default=None, max_length=100)


class RestructureIn(In):
    new_term_months: int = Field(ge=1, examples=[12])
    new_interest_rate_bp_per_month: int = Field(ge=0, examples=[100])
    first_due_date: date
    reason: str = reason_field()
    restructured_on: date | None = None


class WriteOffIn(In):
    reason: str = reason_field()
    written_off_on: date | None = None


class CloseIn(In):
    closed_on: date | None = None


class InstalmentOut(BaseModel):
    n: int
    due_date: date
    principal_idr: int
    interest_idr: int
    principal_paid_idr: int
    interest_paid_idr: int
    penalty_charged_idr: int
    penalty_paid_idr: int

    @classmethod
    def of(cls, i: InstalmentPosition) -> InstalmentOut:
        return cls(n=i.n, due_date=i.due_date, principal_idr=i.principal_idr,
                   interest_idr=i.interest_idr, principal_paid_idr=i.principal_paid_idr,
                   interest_paid_idr=i.interest_paid_idr,
                   penalty_charged_idr=i.penalty_charged_idr,
                   penalty_paid_idr=i.penalty_paid_idr)


class LoanOut(BaseModel):
    loan_id: str
    cooperative_id: str
    member_id: str
    status: str = Field(examples=["active"])
    status_since: date
    principal_idr: int
    term_months: int
    interest_rate_bp_per_month: int
    method: str
    penalty_bp_per_month: int
    restructured: bool
    applied_on: date
    recorded_by: str
    approved_by: str | None
    disbursed_on: date | None
    schedule: list[InstalmentOut] = Field(description="the schedule in force")
    outstanding_principal_idr: int
    outstanding_interest_idr: int
    outstanding_penalty_idr: int = Field(description="penalty charged and unpaid")
    principal_paid_idr: int
    interest_paid_idr: int
    penalty_paid_idr: int
    overpaid_idr: int = Field(description="received beyond what was owed, for staff to resolve")
    as_of: date = Field(description="the cooperative's business date of this view")
    days_past_due: int
    collectibility: Literal["lancar", "kurang_lancar", "diragukan", "macet"]
    version: int

    @classmethod
    def of(cls, view: LoanView) -> LoanOut:
        loan = view.loan
        return cls(
            loan_id=loan.loan_id, cooperative_id=loan.cooperative_id, member_id=loan.member_id,
            status=loan.status.value, status_since=loan.status_since,
            principal_idr=loan.principal_idr, term_months=loan.term_months,
            interest_rate_bp_per_month=loan.interest_rate_bp_per_month,
            method=loan.method.value, penalty_bp_per_month=loan.penalty_bp_per_month,
            restructured=loan.restructured, applied_on=loan.applied_on,
            recorded_by=loan.recorded_by, approved_by=loan.approved_by,
            disbursed_on=loan.disbursed_on,
            schedule=[InstalmentOut.of(i) for i in loan.instalments],
            outstanding_principal_idr=loan.outstanding_principal_idr,
            outstanding_interest_idr=loan.outstanding_interest_idr,
            outstanding_penalty_idr=loan.outstanding_penalty_idr,
            principal_paid_idr=loan.principal_paid_idr,
            interest_paid_idr=loan.interest_paid_idr, penalty_paid_idr=loan.penalty_paid_idr,
            overpaid_idr=loan.overpaid_idr, as_of=view.as_of,
            days_past_due=view.days_past_due, collectibility=view.collectibility.value,
            version=view.version,
        )


class RepaymentOut(BaseModel):
    """How the repayment was allocated: penalty, then interest, then principal."""

    amount_idr: int
    penalty_idr: int
    interest_idr: int
    principal_idr: int
    excess_idr: int = Field(description="overpayment, for staff to resolve")
    loan: LoanOut

    @classmethod
    def of(cls, received: LoanRepaymentReceived, view: LoanView) -> RepaymentOut:
        return cls(amount_idr=received.amount_idr, penalty_idr=received.penalty_idr,
                   interest_idr=received.interest_idr, principal_idr=received.principal_idr,
                   excess_idr=received.excess_idr, loan=LoanOut.of(view))


class LoanSummary(BaseModel):
    loan_id: str
    member_id: str
    status: str
    principal_idr: int
    outstanding_principal_idr: int
    restructured: bool
    applied_on: date
    disbursed_on: date | None
