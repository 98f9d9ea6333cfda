"""A sale at the shop (gerai), as a decider. Stream ``sale-<uuid>``.

Lifecycle::

    record               complete (payment recorded)
    ──────▶ RECORDED ─────────────────────────▶ COMPLETED
               │ void                               │ void
               ▼                                    ▼
            VOIDED ◀────────────────────────────────┘   (final)

The sale is the shop's document; its stock moves in the (warehouse, product) ledgers
(``StockIssued`` with ``reference = sale_id``, and ``StockReturned`` after a void).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import assert_never

from gotong_platform.domain import replay
from inventory.domain import checks
from inventory.domain.commands import CompleteSale, RecordSale, VoidSale
from inventory.domain.errors import (
    BuyerCooperativeNotExpected,
    BuyerCooperativeRequired,
    CreditNeedsMember,
    DiscountExceedsSubtotal,
    EventSequenceError,
    LineTotalMismatch,
    MemberIdForNonMember,
    MemberIdRequired,
    PaymentNotPositive,
    PaymentsDoNotMatchTotal,
    PricingQtyNotPositive,
    RequiredFieldMissing,
    SaleAlreadyRecorded,
    SaleAlreadyVoided,
    SaleHasNoLines,
    SaleNotFound,
    SaleToOwnCooperative,
)
from inventory.domain.pricing import line_amount
from inventory.domain.sale_events import (
    SaleCompleted,
    SaleEvent,
    SaleLine,
    SalePayment,
    SaleRecorded,
    SaleVoided,
)
from inventory.domain.values import BuyerType, PaymentMethod, SaleStatus, VoidReason

__all__ = [
    "Sale",
    "complete_sale",
    "evolve_sale",
    "record_sale",
    "replay_sale",
    "void_sale",
]

ID_MAX = 100
TEXT_MAX = 500


@dataclasses.dataclass(frozen=True, kw_only=True)
class Sale:
    sale_id: str
    cooperative_id: str
    warehouse_id: str
    buyer_type: BuyerType
    member_id: str | None
    lines: tuple[SaleLine, ...]
    total_idr: int
    business_date: date
    recorded_offline: bool
    buyer_cooperative_id: str | None = None
    status: SaleStatus = SaleStatus.RECORDED
    completed_on: date | None = None
    voided_on: date | None = None
    void_reason: VoidReason | None = None


def record_sale(
    state: Sale | None, command: RecordSale, *, sale_id: str, today: date
) -> list[SaleEvent]:
    """Ring up a sale: ``total = Σ line totals - discount``, paid in full by ``payments``.

    A credit payment (bayar tempo) is a debt of the member, so it is part of the
    payments; a sale recorded offline is checked the same way (the device runs the
    same arithmetic).
    """
    if state is not None:
        raise SaleAlreadyRecorded("A sale is already recorded under this id.")
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    member_id = _buyer(command)
    buyer_cooperative_id = _buyer_cooperative(command)
    lines = _lines(command.lines)
    subtotal = checks.amount(sum(line.line_total_idr for line in lines),
                             what="The sale's lines together")
    discount = checks.amount(command.discount_idr, what="The discount")
    if discount > subtotal:
        raise DiscountExceedsSubtotal(
            f"The discount (Rp {discount}) is more than the lines add up to (Rp {subtotal})."
        )
    total = subtotal - discount
    _check_payments(command.payments, total, command.buyer_type)
    return [
        SaleRecorded(
            sale_id=sale_id,
            cooperative_id=command.cooperative_id,
            warehouse_id=checks.required_text(
                command.warehouse_id, what="The warehouse", max_length=ID_MAX
            ),
            buyer_type=command.buyer_type,
            member_id=member_id,
            lines=lines,
            subtotal_idr=subtotal,
            discount_idr=discount,
            total_idr=total,
            payments=command.payments,
            business_date=day,
            receipt_no=checks.optional_text(
                command.receipt_no, what="The receipt number", max_length=ID_MAX
            ),
            device_id=checks.optional_text(command.device_id, what="The device", max_length=ID_MAX),
            recorded_offline=command.recorded_offline,
            buyer_cooperative_id=buyer_cooperative_id,
            channel=command.channel,
        )
    ]


def _buyer(command: RecordSale) -> str | None:
    member_id = checks.optional_text(command.member_id, what="The member", max_length=ID_MAX)
    if command.buyer_type is BuyerType.MEMBER and member_id is None:
        raise MemberIdRequired("A sale to a member names the member.")
    if command.buyer_type is not BuyerType.MEMBER and member_id is not None:
        raise MemberIdForNonMember(
            f"A sale to a {command.buyer_type.value.replace('_', '-')} names no member.")
    return member_id


def _buyer_cooperative(command: RecordSale) -> str | None:
    """The buying cooperative: named by a sale to a cooperative, and only by one."""
    buyer = checks.optional_text(command.buyer_cooperative_id, what="The buying cooperative",
                                 max_length=ID_MAX)
    if command.buyer_type is not BuyerType.COOPERATIVE:
        if buyer is not None:
            raise BuyerCooperativeNotExpected(
                "Only a sale to a cooperative names a buying cooperative.")
        return None
    if buyer is None:
        raise BuyerCooperativeRequired("A sale to a cooperative names the buying cooperative.")
    if buyer == command.cooperative_id:
        raise SaleToOwnCooperative(
            "A cooperative does not sell to itself; move stock between its own warehouses "
            "with a transfer.")
    return buyer


def _lines(lines: tuple[SaleLine, ...]) -> tuple[SaleLine, ...]:
    if not lines:
        raise SaleHasNoLines("A sale sells at least one line.")
    for n, line in enumerate(lines, start=1):
        checks.required_text(line.product_id, what=f"The product of line {n}", max_length=ID_MAX)
        checks.positive(line.qty, what=f"The quantity of line {n}")
        checks.amount(line.price_idr, what=f"The price of line {n}")
        if line.per_qty <= 0:
            raise PricingQtyNotPositive(
                f"The price of line {n} must be for a quantity above 0; it is for {line.per_qty}."
            )
        expected = checks.amount(line_amount(line.qty, line.price_idr, line.per_qty),
                                 what=f"Line {n} ({line.qty} at Rp {line.price_idr} per "
                                      f"{line.per_qty})")
        if line.line_total_idr != expected:
            raise LineTotalMismatch(
                f"Line {n}: {line.qty} at Rp {line.price_idr} per {line.per_qty} is "
                f"Rp {expected} (rounded half up), not Rp {line.line_total_idr}."
            )
    return lines


def _check_payments(payments: tuple[SalePayment, ...], total: int, buyer_type: BuyerType) -> None:
    for payment in payments:
        if payment.amount_idr <= 0:
            raise PaymentNotPositive(
                f"A {payment.method} payment must be above Rp 0; it is Rp {payment.amount_idr}."
            )
        if payment.method is PaymentMethod.CREDIT and buyer_type is not BuyerType.MEMBER:
            raise CreditNeedsMember("Only a member can buy on credit (bayar tempo).")
    paid = sum(payment.amount_idr for payment in payments)
    if paid != total:
        raise PaymentsDoNotMatchTotal(
            f"The payments add up to Rp {paid}; the sale's total is Rp {total}."
        )


def void_sale(state: Sale | None, command: VoidSale, *, today: date) -> list[SaleEvent]:
    """Cancel a sale, once. Its stock is then put back by ``return_stock`` per issue."""
    sale = _existing(state)
    if sale.status is SaleStatus.VOIDED:
        voided_on = sale.voided_on.isoformat() if sale.voided_on else "earlier"
        raise SaleAlreadyVoided(f"This sale was voided on {voided_on}.")
    day = checks.not_in_future(command.voided_on, what="The void date", today=today)
    detail = checks.optional_text(command.detail, what="The detail", max_length=TEXT_MAX)
    if command.reason_code is VoidReason.OTHER and detail is None:
        raise RequiredFieldMissing("A void for another reason says what the reason is.")
    return [
        SaleVoided(
            sale_id=sale.sale_id,
            cooperative_id=sale.cooperative_id,
            reason_code=command.reason_code,
            detail=detail,
            voided_on=day,
        )
    ]


def complete_sale(state: Sale | None, command: CompleteSale, *, today: date) -> list[SaleEvent]:
    """Mark a recorded sale completed because its payment was recorded.

    Only a RECORDED sale completes. For any other status this returns no events rather
    than refusing: "payment recorded" is a fact from the payments service, delivered at
    least once and in no guaranteed order with a void. A second delivery finds the sale
    COMPLETED; a delivery that arrives after the void finds it VOIDED, and the refund
    is the payments service's business. Refusing would only dead-letter a true fact.
    """
    sale = _existing(state)
    if sale.status is not SaleStatus.RECORDED:
        return []
    payment_ref = checks.required_text(command.payment_ref, what="The payment", max_length=ID_MAX)
    return [
        SaleCompleted(
            sale_id=sale.sale_id,
            cooperative_id=sale.cooperative_id,
            payment_ref=payment_ref,
            completed_on=command.completed_on,
        )
    ]


def _existing(state: Sale | None) -> Sale:
    if state is None:
        raise SaleNotFound("No sale is recorded under this id.")
    return state


def evolve_sale(state: Sale | None, event: SaleEvent) -> Sale:
    """The state after ``event``. Events are facts: nothing is checked but the stream order."""
    if isinstance(event, SaleRecorded):
        if state is not None:
            raise EventSequenceError("SaleRecorded in an existing stream")
        return Sale(
            sale_id=event.sale_id,
            cooperative_id=event.cooperative_id,
            warehouse_id=event.warehouse_id,
            buyer_type=event.buyer_type,
            member_id=event.member_id,
            lines=event.lines,
            total_idr=event.total_idr,
            business_date=event.business_date,
            recorded_offline=event.recorded_offline,
            buyer_cooperative_id=event.buyer_cooperative_id,
        )
    if state is None:
        raise EventSequenceError(f"{event.event_type} before SaleRecorded")
    match event:
        case SaleCompleted():
            return dataclasses.replace(
                state, status=SaleStatus.COMPLETED, completed_on=event.completed_on
            )
        case SaleVoided():
            return dataclasses.replace(
                state,
                status=SaleStatus.VOIDED,
                voided_on=event.voided_on,
                void_reason=event.reason_code,
            )
        case _:
            assert_never(event)


def replay_sale(events: Iterable[SaleEvent]) -> Sale | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_sale, events)
