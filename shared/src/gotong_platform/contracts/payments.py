"""Published events of the payments service (topic ``gotong.payments.events``).

Savings (simpanan pokok, wajib, sukarela), micro-loans, payments for shop sales,
payouts for produce bought from members, and refunds when a member exits.
Money is integer rupiah; rates are basis points.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from gotong_platform.contracts.base import EventContract, register
from gotong_platform.money import PositiveRupiah, Rupiah, TotalRupiah

__all__ = [
    "PAYMENTS_TOPIC",
    "Instalment",
    "LoanAppliedV1",
    "LoanApprovedV1",
    "LoanClosedV1",
    "LoanDisbursedV1",
    "LoanOverpaidV1",
    "LoanRejectedV1",
    "LoanRepaidV1",
    "LoanRepaymentReceivedV1",
    "LoanRestructuredV1",
    "LoanWrittenOffV1",
    "MemberExitRefundedV1",
    "PayoutDeduction",
    "ProducePayoutMadeV1",
    "SalePaymentPart",
    "SalePaymentRecordedV1",
    "SalePaymentRefusedV1",
    "SavingsAccountOpenedV1",
    "SavingsDepositedV1",
    "SavingsRefundedV1",
    "SavingsWithdrawnV1",
    "WajibBilledV1",
]

PAYMENTS_TOPIC = "gotong.payments.events"
SavingsType = Literal["pokok", "wajib", "sukarela"]
Channel = Literal["cash", "transfer", "qris", "produce_deduction", "refund_offset"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Payments(EventContract):
    source: ClassVar[str] = "payments"
    cooperative_id: str


@register
class SavingsAccountOpenedV1(_Payments):
    event_type: ClassVar[str] = "SavingsAccountOpened"
    account_id: str
    member_id: str
    savings_type: SavingsType


@register
class SavingsDepositedV1(_Payments):
    event_type: ClassVar[str] = "SavingsDeposited"
    account_id: str
    member_id: str
    savings_type: SavingsType
    amount_idr: PositiveRupiah
    channel: Channel
    business_date: date
    recorded_offline: bool = False


@register
class SavingsWithdrawnV1(_Payments):
    event_type: ClassVar[str] = "SavingsWithdrawn"
    account_id: str
    member_id: str
    savings_type: SavingsType
    amount_idr: PositiveRupiah
    business_date: date


@register
class WajibBilledV1(_Payments):
    event_type: ClassVar[str] = "WajibBilled"
    account_id: str
    member_id: str
    period: str = Field(pattern=r"^\d{4}-\d{2}$")
    amount_idr: PositiveRupiah
    due_date: date


@register
class SavingsRefundedV1(_Payments):
    event_type: ClassVar[str] = "SavingsRefunded"
    account_id: str
    member_id: str
    savings_type: SavingsType
    amount_idr: Rupiah
    business_date: date
    reason: str


class Instalment(_Part):
    number: int = Field(ge=1)
    due_date: date
    principal_idr: Rupiah
    interest_idr: Rupiah


@register
class LoanAppliedV1(_Payments):
    event_type: ClassVar[str] = "LoanApplied"
    loan_id: str
    member_id: str
    principal_idr: PositiveRupiah
    term_months: int = Field(gt=0)
    interest_rate_bp_per_month: int = Field(ge=0)
    method: Literal["flat", "declining_balance"]
    business_date: date


@register
class LoanRejectedV1(_Payments):
    event_type: ClassVar[str] = "LoanRejected"
    loan_id: str
    member_id: str
    business_date: date


@register
class LoanApprovedV1(_Payments):
    event_type: ClassVar[str] = "LoanApproved"
    loan_id: str
    member_id: str
    business_date: date


@register
class LoanDisbursedV1(_Payments):
    event_type: ClassVar[str] = "LoanDisbursed"
    loan_id: str
    member_id: str
    principal_idr: PositiveRupiah
    business_date: date
    schedule: tuple[Instalment, ...]


@register
class LoanRepaymentReceivedV1(_Payments):
    """A repayment and how it was allocated (penalty, then interest, then principal)."""

    event_type: ClassVar[str] = "LoanRepaymentReceived"
    loan_id: str
    member_id: str
    amount_idr: PositiveRupiah
    penalty_idr: Rupiah
    interest_idr: Rupiah
    principal_idr: Rupiah
    excess_idr: Rupiah
    channel: Channel
    business_date: date
    recorded_offline: bool = False


@register
class LoanOverpaidV1(_Payments):
    """Money received beyond what was owed: to be resolved by staff (refund or savings)."""

    event_type: ClassVar[str] = "LoanOverpaid"
    loan_id: str
    member_id: str
    excess_idr: PositiveRupiah
    business_date: date
    after_closure: bool = Field(
        default=False, description="offline cash taken for a loan already closed")


@register
class LoanRestructuredV1(_Payments):
    event_type: ClassVar[str] = "LoanRestructured"
    loan_id: str
    member_id: str
    outstanding_principal_idr: Rupiah
    business_date: date
    schedule: tuple[Instalment, ...]


@register
class LoanWrittenOffV1(_Payments):
    event_type: ClassVar[str] = "LoanWrittenOff"
    loan_id: str
    member_id: str
    outstanding_principal_idr: Rupiah
    interest_idr: Rupiah = 0
    penalty_idr: Rupiah = 0
    business_date: date


@register
class LoanRepaidV1(_Payments):
    """Everything owed was paid; ``LoanClosed`` follows."""

    event_type: ClassVar[str] = "LoanRepaid"
    loan_id: str
    member_id: str
    business_date: date


@register
class LoanClosedV1(_Payments):
    event_type: ClassVar[str] = "LoanClosed"
    loan_id: str
    member_id: str
    business_date: date


class SalePaymentPart(_Part):
    method: Literal["cash", "qris", "transfer", "credit"]
    amount_idr: PositiveRupiah


@register
class SalePaymentRecordedV1(_Payments):
    event_type: ClassVar[str] = "SalePaymentRecorded"
    sale_id: str
    buyer_type: Literal["member", "non_member"]
    member_id: str | None = None
    total_idr: Rupiah
    payments: tuple[SalePaymentPart, ...]
    business_date: date


@register
class SalePaymentRefusedV1(_Payments):
    """Payments could not record the sale's payment: inventory voids the sale."""

    event_type: ClassVar[str] = "SalePaymentRefused"
    sale_id: str
    reason_code: str
    detail: str


class PayoutDeduction(_Part):
    type: Literal["loan_instalment", "simpanan_wajib", "advance"]
    reference: str
    amount_idr: Rupiah


@register
class ProducePayoutMadeV1(_Payments):
    event_type: ClassVar[str] = "ProducePayoutMade"
    payout_id: str
    receipt_id: str
    member_id: str
    gross_idr: Rupiah
    deductions: tuple[PayoutDeduction, ...]
    net_paid_idr: Rupiah
    business_date: date


@register
class MemberExitRefundedV1(_Payments):
    """Simpanan pokok and wajib returned to a member who left, minus what they owed."""

    event_type: ClassVar[str] = "MemberExitRefunded"
    member_id: str
    pokok_idr: Rupiah
    wajib_idr: Rupiah
    offset_idr: TotalRupiah
    refund_idr: TotalRupiah
    unrecovered_idr: TotalRupiah = Field(default=0,
                                         description="debt the savings did not cover")
    business_date: date
