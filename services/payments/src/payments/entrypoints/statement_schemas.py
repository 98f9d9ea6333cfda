"""The member's statement as the API answers it (her own records, in integer rupiah)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from payments.domain.loan_events import LoanRepaymentReceived
from payments.domain.repayment import InstalmentPosition
from payments.domain.statement import LoanLine, SavingsLine, WajibMonth

__all__ = ["StatementOut"]


class MovementOut(BaseModel):
    business_date: date
    kind: Literal["deposit", "withdrawal", "refund"]
    amount_idr: int = Field(description="signed: what it did to the balance")
    channel: str | None = Field(examples=["produce_deduction"])
    reference: str | None
    balance_after_idr: int


class SavingsOut(BaseModel):
    savings_type: Literal["pokok", "wajib", "sukarela"]
    opening_idr: int = Field(description="the balance at the end of the day before the period")
    closing_idr: int = Field(description="the balance at the end of the period")
    movements: list[MovementOut]

    @classmethod
    def of(cls, line: SavingsLine) -> SavingsOut:
        return cls(savings_type=line.savings_type.value, opening_idr=line.opening_idr,
                   closing_idr=line.closing_idr,
                   movements=[MovementOut(**m.__dict__) for m in line.movements])


class WajibMonthOut(BaseModel):
    period: str = Field(examples=["2026-10"])
    amount_idr: int
    due_date: date
    paid_idr: int
    settled_on: date | None
    paid_on_time: bool

    @classmethod
    def of(cls, month: WajibMonth) -> WajibMonthOut:
        return cls(**month.__dict__)


class WajibOut(BaseModel):
    arrears_idr: int = Field(description="billed and not yet paid (tunggakan)")
    months: list[WajibMonthOut] = Field(description="every month billed, oldest first")


class InstalmentOut(BaseModel):
    n: int
    due_date: date
    principal_idr: int
    interest_idr: int
    penalty_idr: int = Field(description="denda charged")
    paid_idr: int = Field(description="principal, interest and denda paid of it")
    owed_idr: int = Field(description="still owed of it")

    @classmethod
    def of(cls, i: InstalmentPosition) -> InstalmentOut:
        paid = i.principal_paid_idr + i.interest_paid_idr + i.penalty_paid_idr
        owed = i.principal_due_idr + i.interest_due_idr + i.penalty_due_idr
        return cls(n=i.n, due_date=i.due_date, principal_idr=i.principal_idr,
                   interest_idr=i.interest_idr, penalty_idr=i.penalty_charged_idr,
                   paid_idr=paid, owed_idr=owed)


class RepaymentOut(BaseModel):
    paid_on: date
    amount_idr: int
    channel: str = Field(examples=["cash", "produce_deduction"])
    principal_idr: int
    interest_idr: int
    penalty_idr: int
    reference: str | None

    @classmethod
    def of(cls, r: LoanRepaymentReceived) -> RepaymentOut:
        return cls(paid_on=r.paid_on, amount_idr=r.amount_idr, channel=r.channel.value,
                   principal_idr=r.principal_idr, interest_idr=r.interest_idr,
                   penalty_idr=r.penalty_idr, reference=r.reference)


class LoanOut(BaseModel):
    loan_id: str
    status: str = Field(examples=["active"])
    principal_idr: int
    term_months: int
    interest_rate_bp_per_month: int
    method: str
    disbursed_on: date | None
    restructured: bool
    principal_paid_idr: int
    interest_paid_idr: int
    penalty_paid_idr: int
    outstanding_idr: int = Field(description="principal, interest and denda still owed")
    schedule: list[InstalmentOut] = Field(description="the schedule in force")
    next_due: InstalmentOut | None = Field(description="the oldest instalment still owed")
    repayments: list[RepaymentOut] = Field(description="the repayments of the period")

    @classmethod
    def of(cls, line: LoanLine) -> LoanOut:
        loan = line.loan
        return cls(
            loan_id=loan.loan_id, status=loan.status.value, principal_idr=loan.principal_idr,
            term_months=loan.term_months,
            interest_rate_bp_per_month=loan.interest_rate_bp_per_month,
            method=loan.method.value, disbursed_on=loan.disbursed_on,
            restructured=loan.restructured, principal_paid_idr=loan.principal_paid_idr,
            interest_paid_idr=loan.interest_paid_idr, penalty_paid_idr=loan.penalty_paid_idr,
            outstanding_idr=(loan.outstanding_principal_idr + loan.outstanding_interest_idr
                             + loan.outstanding_penalty_idr),
            schedule=[InstalmentOut.of(i) for i in loan.instalments],
            next_due=InstalmentOut.of(line.next_due) if line.next_due else None,
            repayments=[RepaymentOut.of(r) for r in line.repayments])


class DeductionOut(BaseModel):
    type: Literal["loan_instalment", "simpanan_wajib", "advance"]
    reference: str = Field(description="the loan or the savings account it went to")
    requested_idr: int = Field(description="what was owed by the delivery's date")
    amount_idr: int = Field(description="what the payout covered of it")


class PayoutOut(BaseModel):
    receipt_id: str
    business_date: date
    product_id: str | None
    net_qty_g: int | None
    grade: str | None
    gross_idr: int
    deductions: list[DeductionOut]
    net_paid_idr: int = Field(description="gross less the deductions: what she was paid")

    @classmethod
    def of(cls, row: dict[str, Any]) -> PayoutOut:
        return cls(**row)


class StatementOut(BaseModel):
    member_id: str
    cooperative_id: str
    member_no: str | None
    member_status: str = Field(examples=["admitted", "exited"])
    period_start: date
    period_end: date
    as_of: date = Field(description="the cooperative's business date now")
    current_at: datetime = Field(description="when these figures were read: current as of")
    savings: list[SavingsOut]
    wajib: WajibOut
    loans: list[LoanOut]
    payouts: list[PayoutOut]
