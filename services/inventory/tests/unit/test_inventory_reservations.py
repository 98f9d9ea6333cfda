"""The reservation ledger: stock held for orders (unit, pure domain).

Property: whatever sequence of receipts, reservations, releases (cancelled, expired),
shop sales and shipments a ledger sees online, ``reserved + available + sold =
received``, every part is never negative, and a refused command changes nothing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inventory_builders import TODAY, a_ledger, a_product, fold_stock, issued, received

from gotong_platform.domain import DomainError
from inventory.adapters.snapshots import ledger_from_snapshot, ledger_snapshot
from inventory.domain import InsufficientStock, StockLedger
from inventory.domain.order_errors import ReservationAlreadyHeld
from inventory.domain.reservations import release_reservation, reserve_stock
from inventory.domain.values import ReleaseReason

pytestmark = pytest.mark.unit

PRODUCT = a_product(name="Tenun ikat", base_unit="pcs")


def reserve(ledger: StockLedger, order: str, qty: int) -> StockLedger:
    return fold_stock(ledger, reserve_stock(ledger, reservation_id=order, qty=qty,
                                            product=PRODUCT, business_date=TODAY, today=TODAY))


def release(ledger: StockLedger, order: str, reason: ReleaseReason) -> StockLedger:
    return fold_stock(ledger, release_reservation(ledger, reservation_id=order, reason=reason,
                                                  business_date=TODAY))


def test_reserved_stock_is_on_hand_but_not_for_sale_until_released() -> None:
    ledger = reserve(received(a_ledger(PRODUCT), PRODUCT, 10, 1_000_000), "order-1", 4)
    assert (ledger.on_hand, ledger.reserved, ledger.available) == (10, 4, 6)
    assert ledger.value_idr == 1_000_000  # nothing moved
    with pytest.raises(InsufficientStock, match="4 held for orders"):
        issued(ledger, PRODUCT, 7)
    with pytest.raises(InsufficientStock):
        reserve(ledger, "order-2", 7)
    with pytest.raises(ReservationAlreadyHeld):
        reserve(ledger, "order-1", 1)
    released = release(ledger, "order-1", ReleaseReason.EXPIRED)
    assert (released.reserved, released.available) == (0, 10)
    assert release_reservation(released, reservation_id="order-1",
                               reason=ReleaseReason.EXPIRED, business_date=TODAY) == []


def test_a_shipment_releases_then_issues_what_was_held() -> None:
    ledger = reserve(received(a_ledger(PRODUCT), PRODUCT, 5, 500_000), "order-1", 5)
    shipped = release(ledger, "order-1", ReleaseReason.FULFILLED)
    _, after = issued(shipped, PRODUCT, 5)
    assert (after.on_hand, after.reserved, after.available) == (0, 0, 0)


def test_the_snapshot_keeps_the_reservations() -> None:
    ledger = reserve(reserve(received(a_ledger(PRODUCT), PRODUCT, 9, 900), "order-b", 2),
                     "order-a", 3)
    back = ledger_from_snapshot(ledger_snapshot(ledger), warehouse_id=ledger.warehouse_id,
                                product_id=ledger.product_id)
    assert back is not None
    assert back.reservations == {"order-a": 3, "order-b": 2}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("receive", "reserve", "cancel", "expire", "sell",
                                           "ship")),
                          st.integers(0, 4), st.integers(1, 6)), max_size=40))
def test_reserved_available_and_sold_always_add_up_to_what_came_in(
    steps: list[tuple[str, int, int]],
) -> None:
    ledger, came_in, sold = a_ledger(PRODUCT), 0, 0
    for kind, n, qty in steps:
        order = f"order-{n}"
        before = ledger
        try:
            if kind == "receive":
                ledger = received(ledger, PRODUCT, qty, qty * 1000)
                came_in += qty
            elif kind == "reserve":
                ledger = reserve(ledger, order, qty)
            elif kind in ("cancel", "expire"):
                reason = ReleaseReason.CANCELLED if kind == "cancel" else ReleaseReason.EXPIRED
                ledger = release(ledger, order, reason)
            elif kind == "sell":
                _, ledger = issued(ledger, PRODUCT, qty)
                sold += qty
            elif order in ledger.reservations:  # ship: the hold goes out as a sale
                held = ledger.reservations[order]
                _, ledger = issued(release(ledger, order, ReleaseReason.FULFILLED), PRODUCT,
                                   held)
                sold += held
        except DomainError:
            assert ledger == before  # a refusal decides nothing
        assert min(ledger.reserved, ledger.available, ledger.on_hand) >= 0
        assert all(q > 0 for q in ledger.reservations.values())
        assert ledger.reserved + ledger.available + sold == came_in
