"""How a sale at the gerai (the cooperative's shop) was paid, and the credit rule.

A sale is paid by one or more tenders that add up to its total. Credit (kasbon,
bayar tempo) is for members only. A refused sale is not an error the clerk corrects:
the till has already rung it up, so the refusal is itself recorded as
``SalePaymentRefused`` for staff to follow up. ``record_sale_payment`` therefore
returns one of the two events; it raises only for a malformed command.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from payments.domain import checks
from payments.domain.errors import (
    CreditForNonMemberRefused,
    PaymentsDoNotMatchTotal,
    SaleBuyerMismatch,
)
from payments.domain.values import BuyerType, SaleTender

__all__ = [
    "RecordSalePayment",
    "SaleEvent",
    "SalePayment",
    "SalePaymentRecorded",
    "SalePaymentRefused",
    "record_sale_payment",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SalePayment:
    """One tender of a sale."""

    method: SaleTender
    amount_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordSalePayment:
    sale_id: str
    buyer_type: BuyerType
    member_id: str | None
    total_idr: int
    payments: tuple[SalePayment, ...]
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class SalePaymentRecorded(DomainEvent):
    """The sale's payment was accepted; ``credit`` tenders are now owed by the member."""

    event_type = "SalePaymentRecorded"
    schema_version = 1

    sale_id: str
    cooperative_id: str
    buyer_type: BuyerType
    member_id: str | None
    total_idr: int
    payments: tuple[SalePayment, ...]
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class SalePaymentRefused(DomainEvent):
    """The sale's payment broke a rule; ``reason_code`` is that rule's error code."""

    event_type = "SalePaymentRefused"
    schema_version = 1

    sale_id: str
    cooperative_id: str
    reason_code: str
    detail: str


SaleEvent = SalePaymentRecorded | SalePaymentRefused


def record_sale_payment(
    command: RecordSalePayment, *, cooperative_id: str
) -> SalePaymentRecorded | SalePaymentRefused:
    """Accept the payment, or record its refusal (credit for a non-member).

    Raises ``InvalidInput`` errors when the command itself is malformed: an amount below
    1 rupiah, tenders that do not add up to the total, or a buyer that does not match
    ``member_id``.
    """
    total = checks.positive_amount(command.total_idr, what="The sale total")
    for payment in command.payments:
        checks.positive_amount(payment.amount_idr, what=f"The {payment.method} payment")
    paid = sum(payment.amount_idr for payment in command.payments)
    if paid != total:
        raise PaymentsDoNotMatchTotal(f"The payments add up to Rp {paid}; the total is Rp {total}.")
    _check_buyer(command)
    if command.buyer_type is BuyerType.NON_MEMBER and any(
        payment.method is SaleTender.CREDIT for payment in command.payments
    ):
        return SalePaymentRefused(
            sale_id=command.sale_id,
            cooperative_id=cooperative_id,
            reason_code=CreditForNonMemberRefused.code,
            detail="Only members may buy on credit (kasbon); this buyer is not a member.",
        )
    return SalePaymentRecorded(
        sale_id=command.sale_id,
        cooperative_id=cooperative_id,
        buyer_type=command.buyer_type,
        member_id=command.member_id,
        total_idr=total,
        payments=tuple(command.payments),
        business_date=command.business_date,
    )


def _check_buyer(command: RecordSalePayment) -> None:
    is_member = command.buyer_type is BuyerType.MEMBER
    if is_member and not (command.member_id or "").strip():
        raise SaleBuyerMismatch("A sale to a member must name the member.")
    if not is_member and command.member_id is not None:
        raise SaleBuyerMismatch("A sale to a non-member must not name a member.")
