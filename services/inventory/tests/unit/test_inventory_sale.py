"""A sale at the shop: recorded, completed when paid, voided once."""

from __future__ import annotations

from typing import Any

import pytest
from inventory_builders import (
    TODAY,
    a_line,
    a_sale,
    a_sale_command,
    days,
    fold_sale,
)

from gotong_platform.domain import DomainError
from gotong_testing.deciders import refused
from inventory.domain import (
    AmountNegative,
    BuyerCooperativeNotExpected,
    BuyerCooperativeRequired,
    BuyerType,
    CompleteSale,
    CreditNeedsMember,
    DateInFuture,
    DiscountExceedsSubtotal,
    LineTotalMismatch,
    MemberIdForNonMember,
    MemberIdRequired,
    PaymentMethod,
    PaymentNotPositive,
    PaymentsDoNotMatchTotal,
    PricingQtyNotPositive,
    QuantityNotPositive,
    RequiredFieldMissing,
    SaleAlreadyRecorded,
    SaleAlreadyVoided,
    SaleCompleted,
    SaleHasNoLines,
    SaleLine,
    SaleNotFound,
    SalePayment,
    SaleRecorded,
    SaleStatus,
    SaleToOwnCooperative,
    SaleVoided,
    VoidReason,
    VoidSale,
    complete_sale,
    record_sale,
    replay_sale,
    void_sale,
)

pytestmark = pytest.mark.unit

PAID = CompleteSale(payment_ref="payment-1", completed_on=TODAY)
VOID = VoidSale(reason_code=VoidReason.ENTRY_ERROR, voided_on=TODAY)


def record(**overrides: Any) -> SaleRecorded:
    (event,) = record_sale(None, a_sale_command(**overrides), sale_id="sale-1", today=TODAY)
    assert isinstance(event, SaleRecorded)
    return event


# --- recording -------------------------------------------------------------------------


def test_a_sale_totals_its_lines_less_the_discount() -> None:
    lines = (a_line(2500, 13_500, 1000), a_line(3, 2_000, 1, product_id="product-telur"))
    payments = (
        SalePayment(method=PaymentMethod.CASH, amount_idr=30_000),
        SalePayment(method=PaymentMethod.CREDIT, amount_idr=9_250),
    )

    event = record(lines=lines, discount_idr=500, payments=payments, receipt_no=" KTM-01-D3-0042 ")

    assert (event.subtotal_idr, event.discount_idr, event.total_idr) == (39_750, 500, 39_250)
    assert (event.member_id, event.receipt_no) == ("member-siti", "KTM-01-D3-0042")
    assert fold_sale(None, [event]).status is SaleStatus.RECORDED


def test_a_non_member_buys_anonymously() -> None:
    event = record(buyer_type=BuyerType.NON_MEMBER, member_id=None)

    assert event.member_id is None


def test_a_fully_discounted_sale_needs_no_payment() -> None:
    lines = (a_line(1, 5_000, 1),)

    event = record(lines=lines, discount_idr=5_000)

    assert (event.total_idr, event.payments) == (0, ())


def test_a_sale_is_recorded_once() -> None:
    refused(SaleAlreadyRecorded, record_sale, a_sale(), a_sale_command(), sale_id="s", today=TODAY)


def test_a_sale_has_lines() -> None:
    refused(SaleHasNoLines, record_sale, None, a_sale_command(lines=()), sale_id="s", today=TODAY)


def test_a_line_sells_something() -> None:
    command = a_sale_command(lines=(a_line(0),))

    refused(QuantityNotPositive, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_line_price_is_not_negative() -> None:
    command = a_sale_command(lines=(a_line(1, -1, 1),))

    refused(AmountNegative, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_line_price_is_for_a_positive_quantity() -> None:
    line = SaleLine(product_id="product-x", qty=1, price_idr=100, per_qty=0, line_total_idr=100)
    command = a_sale_command(lines=(line,))

    refused(PricingQtyNotPositive, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_line_total_follows_the_rounding_rule() -> None:
    line = a_line(1_003, 28_500, 1000, line_total_idr=28_585)  # 28.585,5 rounds up to 28.586

    refused(
        LineTotalMismatch,
        record_sale,
        None,
        a_sale_command(lines=(line,)),
        sale_id="s",
        today=TODAY,
    )


def test_a_line_names_its_product() -> None:
    command = a_sale_command(lines=(a_line(product_id=" "),))

    refused(RequiredFieldMissing, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_discount_is_at_most_the_subtotal() -> None:
    lines = (a_line(1, 5_000, 1),)
    command = a_sale_command(lines=lines, discount_idr=5_001, payments=())

    refused(DiscountExceedsSubtotal, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_discount_is_not_negative() -> None:
    command = a_sale_command(discount_idr=-1)

    refused(AmountNegative, record_sale, None, command, sale_id="s", today=TODAY)


def test_payments_add_up_to_the_total() -> None:
    command = a_sale_command(payments=(SalePayment(method=PaymentMethod.QRIS, amount_idr=1_000),))

    refused(PaymentsDoNotMatchTotal, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_payment_is_above_zero() -> None:
    base = a_sale_command()
    payments = (*base.payments, SalePayment(method=PaymentMethod.CASH, amount_idr=0))
    command = a_sale_command(payments=payments)

    refused(PaymentNotPositive, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_sale_to_a_member_names_the_member() -> None:
    command = a_sale_command(member_id="  ")

    refused(MemberIdRequired, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_sale_to_a_non_member_names_no_member() -> None:
    command = a_sale_command(buyer_type=BuyerType.NON_MEMBER)

    refused(MemberIdForNonMember, record_sale, None, command, sale_id="s", today=TODAY)


def test_only_a_member_buys_on_credit() -> None:
    lines = (a_line(1, 5_000, 1),)
    payments = (SalePayment(method=PaymentMethod.CREDIT, amount_idr=5_000),)
    command = a_sale_command(
        lines=lines, payments=payments, buyer_type=BuyerType.NON_MEMBER, member_id=None
    )

    refused(CreditNeedsMember, record_sale, None, command, sale_id="s", today=TODAY)


TO_COOPERATIVE: dict[str, Any] = {"buyer_type": BuyerType.COOPERATIVE, "member_id": None,
                                   "buyer_cooperative_id": "cooperative-sumba-timur"}


def test_a_sale_to_another_cooperative_names_it_and_no_member() -> None:
    event = record(**TO_COOPERATIVE | {"buyer_cooperative_id": " cooperative-sumba-timur "})

    assert (event.buyer_type, event.member_id, event.buyer_cooperative_id) == (
        BuyerType.COOPERATIVE, None, "cooperative-sumba-timur")
    assert fold_sale(None, [event]).buyer_cooperative_id == "cooperative-sumba-timur"
    assert record().buyer_cooperative_id is None


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"buyer_cooperative_id": None}, BuyerCooperativeRequired),
        ({"buyer_cooperative_id": "cooperative-test"}, SaleToOwnCooperative),  # the seller
        ({"member_id": "member-siti"}, MemberIdForNonMember),
    ],
)
def test_a_sale_to_a_cooperative_names_another_cooperative_and_nobody_else(
    overrides: dict[str, Any], error: type[DomainError]
) -> None:
    command = a_sale_command(**TO_COOPERATIVE | overrides)

    refused(error, record_sale, None, command, sale_id="s", today=TODAY)


@pytest.mark.parametrize("buyer_type", [BuyerType.MEMBER, BuyerType.NON_MEMBER])
def test_only_a_sale_to_a_cooperative_names_a_buying_cooperative(buyer_type: BuyerType) -> None:
    member = "member-siti" if buyer_type is BuyerType.MEMBER else None
    command = a_sale_command(buyer_type=buyer_type, member_id=member,
                             buyer_cooperative_id="cooperative-sumba-timur")

    refused(BuyerCooperativeNotExpected, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_cooperative_does_not_buy_on_credit() -> None:
    lines = (a_line(1, 5_000, 1),)
    payments = (SalePayment(method=PaymentMethod.CREDIT, amount_idr=5_000),)
    command = a_sale_command(lines=lines, payments=payments, **TO_COOPERATIVE)

    refused(CreditNeedsMember, record_sale, None, command, sale_id="s", today=TODAY)


def test_a_sale_is_not_dated_after_today() -> None:
    command = a_sale_command(business_date=days(1))

    refused(DateInFuture, record_sale, None, command, sale_id="s", today=TODAY)


def test_an_offline_sale_keeps_its_device_and_receipt_number() -> None:
    event = record(recorded_offline=True, device_id="device-3", receipt_no="KTM-01-D3-0042")

    assert (event.recorded_offline, event.device_id) == (True, "device-3")


# --- completing and voiding --------------------------------------------------------------


def test_a_recorded_sale_completes_when_its_payment_is_recorded() -> None:
    sale = a_sale()

    (event,) = complete_sale(sale, PAID, today=TODAY)

    assert event == SaleCompleted(
        sale_id=sale.sale_id,
        cooperative_id=sale.cooperative_id,
        payment_ref="payment-1",
        completed_on=TODAY,
    )
    assert fold_sale(sale, [event]).status is SaleStatus.COMPLETED


def test_a_second_payment_recorded_fact_changes_nothing() -> None:
    sale = a_sale()
    sale = fold_sale(sale, complete_sale(sale, PAID, today=TODAY))

    assert complete_sale(sale, PAID, today=TODAY) == []


def test_a_payment_recorded_after_a_void_changes_nothing() -> None:
    sale = a_sale()
    sale = fold_sale(sale, void_sale(sale, VOID, today=TODAY))

    assert complete_sale(sale, PAID, today=TODAY) == []
    assert sale.status is SaleStatus.VOIDED


def test_completing_needs_a_sale() -> None:
    refused(SaleNotFound, complete_sale, None, PAID, today=TODAY)


@pytest.mark.parametrize("completed", [False, True])
def test_a_sale_is_voided_recorded_or_completed(completed: bool) -> None:
    sale = a_sale()
    if completed:
        sale = fold_sale(sale, complete_sale(sale, PAID, today=TODAY))

    (event,) = void_sale(sale, VOID, today=TODAY)

    assert isinstance(event, SaleVoided)
    voided = fold_sale(sale, [event])
    assert (voided.status, voided.void_reason, voided.voided_on) == (
        SaleStatus.VOIDED,
        VoidReason.ENTRY_ERROR,
        TODAY,
    )


def test_a_sale_is_voided_once() -> None:
    sale = a_sale()
    sale = fold_sale(sale, void_sale(sale, VOID, today=TODAY))

    refused(SaleAlreadyVoided, void_sale, sale, VOID, today=TODAY)


def test_a_void_for_another_reason_says_which() -> None:
    command = VoidSale(reason_code=VoidReason.OTHER, voided_on=TODAY, detail=" ")

    refused(RequiredFieldMissing, void_sale, a_sale(), command, today=TODAY)


def test_voiding_needs_a_sale() -> None:
    refused(SaleNotFound, void_sale, None, VOID, today=TODAY)


def test_a_void_is_not_dated_after_today() -> None:
    command = VoidSale(reason_code=VoidReason.DUPLICATE, voided_on=days(1))

    refused(DateInFuture, void_sale, a_sale(), command, today=TODAY)


def test_a_sale_stream_replays_to_its_state() -> None:
    recorded = record()
    sale = fold_sale(None, [recorded])
    completed = complete_sale(sale, PAID, today=TODAY)

    replayed = replay_sale([recorded, *completed])

    assert replayed is not None
    assert (replayed.status, replayed.total_idr) == (SaleStatus.COMPLETED, recorded.total_idr)
    assert replay_sale([]) is None
