"""Sale payments: tenders add up to the total; credit (kasbon) only for members."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from payments_builders import COOPERATIVE

from payments.domain import (
    AmountNotPositive,
    BuyerType,
    CreditForNonMemberRefused,
    PaymentsDoNotMatchTotal,
    RecordSalePayment,
    SaleBuyerMismatch,
    SalePayment,
    SalePaymentRecorded,
    SalePaymentRefused,
    SaleTender,
    record_sale_payment,
)

pytestmark = pytest.mark.unit

DAY = date(2025, 3, 3)


def a_sale(*payments: tuple[SaleTender, int], **overrides: Any) -> RecordSalePayment:
    tenders = tuple(SalePayment(method=m, amount_idr=a) for m, a in payments) or (
        SalePayment(method=SaleTender.CASH, amount_idr=45_000),
    )
    fields: dict[str, Any] = {
        "sale_id": "sale-1",
        "buyer_type": BuyerType.MEMBER,
        "member_id": "member-1",
        "total_idr": sum(t.amount_idr for t in tenders),
        "payments": tenders,
        "business_date": DAY,
    }
    return RecordSalePayment(**(fields | overrides))


def test_a_members_sale_may_be_paid_partly_on_credit() -> None:
    command = a_sale((SaleTender.CASH, 20_000), (SaleTender.CREDIT, 25_000))
    event = record_sale_payment(command, cooperative_id=COOPERATIVE)

    assert event == SalePaymentRecorded(
        sale_id="sale-1",
        cooperative_id=COOPERATIVE,
        buyer_type=BuyerType.MEMBER,
        member_id="member-1",
        total_idr=45_000,
        payments=command.payments,
        business_date=DAY,
    )


def test_a_non_members_cash_sale_is_recorded() -> None:
    command = a_sale((SaleTender.QRIS, 45_000), buyer_type=BuyerType.NON_MEMBER, member_id=None)

    assert isinstance(record_sale_payment(command, cooperative_id=COOPERATIVE), SalePaymentRecorded)


def test_credit_for_a_non_member_is_recorded_as_a_refusal_naming_the_rule() -> None:
    command = a_sale(
        (SaleTender.CASH, 5_000),
        (SaleTender.CREDIT, 40_000),
        buyer_type=BuyerType.NON_MEMBER,
        member_id=None,
    )
    event = record_sale_payment(command, cooperative_id=COOPERATIVE)

    assert isinstance(event, SalePaymentRefused)
    assert (event.sale_id, event.cooperative_id) == ("sale-1", COOPERATIVE)
    assert event.reason_code == CreditForNonMemberRefused.code == "credit-for-non-member-refused"
    assert event.detail.endswith(".")


@pytest.mark.parametrize("total", [44_999, 45_001])
def test_the_payments_must_add_up_to_the_total(total: int) -> None:
    with pytest.raises(PaymentsDoNotMatchTotal):
        record_sale_payment(a_sale(total_idr=total), cooperative_id=COOPERATIVE)


def test_a_sale_without_payments_does_not_add_up() -> None:
    with pytest.raises(PaymentsDoNotMatchTotal):
        record_sale_payment(a_sale(payments=(), total_idr=1_000), cooperative_id=COOPERATIVE)


@pytest.mark.parametrize(
    "command",
    [
        a_sale(total_idr=0, payments=()),
        a_sale((SaleTender.CASH, 50_000), (SaleTender.CREDIT, -5_000)),
        a_sale((SaleTender.CASH, 45_000), (SaleTender.QRIS, 0)),
    ],
)
def test_amounts_are_at_least_one_rupiah(command: RecordSalePayment) -> None:
    with pytest.raises(AmountNotPositive):
        record_sale_payment(command, cooperative_id=COOPERATIVE)


@pytest.mark.parametrize(
    ("buyer_type", "member_id"),
    [(BuyerType.MEMBER, None), (BuyerType.MEMBER, " "), (BuyerType.NON_MEMBER, "member-1")],
)
def test_the_buyer_type_and_the_member_must_agree(
    buyer_type: BuyerType, member_id: str | None
) -> None:
    with pytest.raises(SaleBuyerMismatch):
        record_sale_payment(
            a_sale(buyer_type=buyer_type, member_id=member_id), cooperative_id=COOPERATIVE
        )
