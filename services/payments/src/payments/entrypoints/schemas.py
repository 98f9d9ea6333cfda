"""API request and response models of savings and of the records other services cause.

Separate from domain events and contracts. Money is an integer number of rupiah and
refused in any other form (``strict``: no ``50000.0``, no ``"50000"``), and never
Rp 10^12 or more: the platform's ``PositiveRupiah`` (docs/money.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gotong_platform.money import PositiveRupiah
from payments.application.savings_service import WajibBilling
from payments.domain import SavingsAccount, SavingsPolicy

SavingsTypeIn = Literal["pokok", "wajib", "sukarela"]
CashChannel = Literal["cash", "transfer", "qris"]
PayoutInstalments = Literal["due_by_receipt_date", "due_this_month"]
_PAYOUT_INSTALMENTS = (
    "which loan instalments a produce payout deducts: those due by the receipt's date "
    "(overdue ones and any due that day; the default), or also the rest of that month's")


def rupiah(example: int, *, description: str | None = None) -> Any:
    """A ``PositiveRupiah`` field (Rp 1 to Rp 999.999.999.999), a JSON integer."""
    return Field(strict=True, examples=[example], description=description)


class In(BaseModel):
    # Unknown fields are refused: a client cannot slip in e.g. a balance or a status.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- savings policy -------------------------------------------------------------------


class SavingsPolicyIn(In):
    pokok_idr: PositiveRupiah = rupiah(50_000,
                                       description="simpanan pokok: paid once, equal for all")
    wajib_idr: PositiveRupiah = rupiah(10_000, description="simpanan wajib: billed every month")
    wajib_due_day: int = Field(ge=1, le=28, examples=[10],
                               description="day of the month the wajib falls due")
    payout_instalments: PayoutInstalments = Field(
        default="due_by_receipt_date", description=_PAYOUT_INSTALMENTS)


class SavingsPolicyOut(BaseModel):
    cooperative_id: str
    pokok_idr: int
    wajib_idr: int
    wajib_due_day: int
    payout_instalments: PayoutInstalments = Field(description=_PAYOUT_INSTALMENTS)
    is_default: bool = Field(description="true until the cooperative sets its own policy")

    @classmethod
    def of(cls, cooperative_id: str, policy: SavingsPolicy, is_default: bool) -> SavingsPolicyOut:
        return cls(cooperative_id=cooperative_id, pokok_idr=policy.pokok_idr,
                   wajib_idr=policy.wajib_idr, wajib_due_day=policy.wajib_due_day,
                   payout_instalments=policy.payout_instalments.value, is_default=is_default)


# --- savings accounts -----------------------------------------------------------------


class DepositIn(In):
    amount_idr: PositiveRupiah = rupiah(10_000)
    channel: CashChannel = Field(examples=["cash"])
    business_date: date | None = Field(default=None,
                                       description="defaults to today in the cooperative's "
                                       "time zone")
    reference: str | None = Field(default=None, max_length=100, examples=["KTM-G1-000123"],
                                  description="receipt number, transfer or QRIS reference")


class WithdrawalIn(In):
    amount_idr: PositiveRupiah = rupiah(25_000)
    business_date: date | None = Field(default=None, description="defaults to today")


class SavingsAccountOut(BaseModel):
    account_id: str
    member_id: str
    savings_type: SavingsTypeIn
    balance_idr: int
    arrears_idr: int = Field(description="wajib billed and not yet paid (tunggakan)")
    unpaid_periods: list[str] = Field(examples=[["2026-01", "2026-02"]])
    version: int

    @classmethod
    def of(cls, account: SavingsAccount, version: int) -> SavingsAccountOut:
        return cls(account_id=account.account_id, member_id=account.member_id,
                   savings_type=account.savings_type.value, balance_idr=account.balance_idr,
                   arrears_idr=account.arrears_idr, unpaid_periods=list(account.unpaid_periods),
                   version=version)


class MemberSavingsOut(BaseModel):
    member_id: str
    accounts: list[SavingsAccountOut] = Field(description="pokok, wajib and sukarela")
    wajib_arrears_idr: int
    unpaid_periods: list[str] = Field(description="wajib periods not fully paid, oldest first")


class WajibBillingIn(In):
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-03"])


class WajibBillingOut(BaseModel):
    period: str
    amount_idr: int
    due_date: date
    billed: int = Field(description="accounts billed now")
    skipped: int = Field(description="accounts already billed for the period")
    admitted_after_due_date: int = Field(
        description="members admitted after the period's due date: they do not owe it and "
                    "are not billed (wajib is owed from the first due date on or after "
                    "admission)")

    @classmethod
    def of(cls, result: WajibBilling) -> WajibBillingOut:
        return cls(period=result.period, amount_idr=result.amount_idr,
                   due_date=result.due_date, billed=result.billed, skipped=result.skipped,
                   admitted_after_due_date=result.admitted_after_due_date)


# --- records caused by other services -------------------------------------------------


class SalePaymentOut(BaseModel):
    sale_id: str
    cooperative_id: str
    status: Literal["recorded", "refused"]
    total_idr: int
    reason_code: str | None = Field(default=None, examples=["credit-for-non-member-refused"])
    detail: str | None = None
    business_date: date


class PayoutDeductionOut(BaseModel):
    type: Literal["loan_instalment", "simpanan_wajib", "advance"]
    reference: str = Field(description="the loan or savings account it paid")
    requested_idr: int
    amount_idr: int = Field(description="what the payout could cover")


class PayoutOut(BaseModel):
    receipt_id: str
    cooperative_id: str
    member_id: str
    gross_idr: int
    deductions: list[PayoutDeductionOut]
    net_paid_idr: int = Field(description="gross minus the deductions: paid to the member")
    business_date: date


class ExitRefundOut(BaseModel):
    """A leaving member's refund: ``pending`` (computed on her exit, nothing paid yet) until
    a pengurus other than the exit's recorder approves it, then ``approved`` (paid)."""

    member_id: str
    cooperative_id: str
    status: Literal["pending", "approved"]
    pokok_idr: int
    wajib_idr: int
    offset_idr: int = Field(description="what pays (pending) or paid the member's loans")
    refund_idr: int = Field(description="paid out to the member once approved")
    unrecovered_idr: int = Field(description="debt the savings could not cover")
    business_date: date = Field(description="the exit date: the figures are as of that day")
    prepared_by: str | None = Field(
        description="who recorded the member's exit (the maker; may not approve)")
    approved_by: str | None = Field(
        description="the pengurus who approved the refund (null while pending)")
    approved_on: date | None = Field(description="null while pending, or for refunds the "
                                                 "system approved before approval existed")


class ExitRefundApproveIn(In):
    approved_on: date | None = Field(
        default=None, description="default: today in the cooperative's time zone; not "
                                  "before the exit")
