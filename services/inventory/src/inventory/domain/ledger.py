"""The state of one stock ledger (one product in one warehouse) and how events fold into it.

The ledger exists implicitly: before its first event it is empty (``new_ledger``).
Quantities per lot and in total are in the product's base unit; the value follows
``valuation`` (moving average, integer rupiah).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import assert_never

from inventory.domain.errors import EventSequenceError
from inventory.domain.lots import Lot
from inventory.domain.stock_events import (
    GoodsReceived,
    ProduceReceivedFromMember,
    StockAdjusted,
    StockCounted,
    StockEvent,
    StockIssued,
    StockLine,
    StockReservationReleased,
    StockReserved,
    StockReturned,
    StockTransferredIn,
    StockTransferredOut,
)
from inventory.domain.valuation import Valuation

__all__ = ["IssueRecord", "StockLedger", "evolve_stock", "new_ledger", "replay_stock"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class IssueRecord:
    """What an issue took, kept so that a return can put back exactly that."""

    reference: str
    lines: tuple[StockLine, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockLedger:
    warehouse_id: str
    product_id: str
    lots: Mapping[str | None, Lot] = dataclasses.field(default_factory=dict)
    valuation: Valuation = dataclasses.field(default_factory=Valuation)
    negative_flagged: bool = False  # an oversell happened and no count has followed yet
    went_negative_on: date | None = None
    last_counted_on: date | None = None
    issues: Mapping[str, IssueRecord] = dataclasses.field(default_factory=dict)
    returned_issue_ids: frozenset[str] = frozenset()
    sent_transfer_ids: frozenset[str] = frozenset()
    received_transfer_ids: frozenset[str] = frozenset()
    # Stock held for orders not yet shipped: order id -> quantity. Bounded by the open
    # orders (a reservation leaves when shipped, cancelled or expired), so it is part of
    # the snapshot.
    reservations: Mapping[str, int] = dataclasses.field(default_factory=dict)

    @property
    def on_hand(self) -> int:
        """Quantity on hand over all lots (below zero after an oversell)."""
        return self.valuation.qty

    @property
    def reserved(self) -> int:
        """Quantity on hand held for orders (still on the shelf, not for sale)."""
        return sum(self.reservations.values())

    @property
    def available(self) -> int:
        """What the shop may still sell or send: on hand less what orders hold (below
        zero when a write-off or an offline sale took reserved goods)."""
        return self.on_hand - self.reserved

    @property
    def value_idr(self) -> int:
        return self.valuation.value_idr

    def average_cost_idr(self, per_qty: int = 1) -> int:
        """The moving-average cost of ``per_qty`` base units (last known if none on hand)."""
        return self.valuation.average_cost(per_qty)

    def lot_qty(self, lot_id: str | None) -> int:
        lot = self.lots.get(lot_id)
        return 0 if lot is None else lot.qty

    def lots_expiring_by(self, day: date) -> tuple[Lot, ...]:
        """Lots with stock whose expiry date is ``day`` or earlier, earliest first."""
        expiring = [
            lot
            for lot in self.lots.values()
            if lot.qty > 0 and lot.expiry_date is not None and lot.expiry_date <= day
        ]
        return tuple(sorted(expiring, key=lambda lot: (lot.expiry_date or day, lot.seq)))


def new_ledger(*, warehouse_id: str, product_id: str) -> StockLedger:
    """The ledger of a product in a warehouse before anything happened to it."""
    return StockLedger(warehouse_id=warehouse_id, product_id=product_id)


def replay_stock(
    events: Iterable[StockEvent], *, warehouse_id: str, product_id: str
) -> StockLedger:
    """Fold a stream into its state, starting from the empty ledger."""
    ledger = new_ledger(warehouse_id=warehouse_id, product_id=product_id)
    for event in events:
        ledger = evolve_stock(ledger, event)
    return ledger


def evolve_stock(ledger: StockLedger, event: StockEvent) -> StockLedger:
    """The state after ``event``. Events are facts: nothing is checked but whose they are."""
    if (event.warehouse_id, event.product_id) != (ledger.warehouse_id, ledger.product_id):
        raise EventSequenceError(f"{event.event_type} of another ledger in this stream")
    match event:
        case GoodsReceived():
            return _received(ledger, event, event.qty, event.total_cost_idr)
        case ProduceReceivedFromMember():
            return _received(ledger, event, event.net_qty_g, event.amount_idr)
        case StockIssued():
            issued = _out(ledger, event.lines, event.went_negative, event.business_date)
            record = IssueRecord(reference=event.reference, lines=event.lines)
            return dataclasses.replace(issued, issues={**ledger.issues, event.issue_id: record})
        case StockReturned():
            returned = _in(ledger, event.lines, event.settlement_variance_idr)
            ids = ledger.returned_issue_ids | {event.issue_id}
            return dataclasses.replace(returned, returned_issue_ids=ids)
        case StockAdjusted():
            return _adjusted(ledger, event)
        case StockCounted():
            return dataclasses.replace(
                ledger, negative_flagged=False, last_counted_on=event.business_date
            )
        case StockTransferredOut():
            sent = _out(ledger, event.lines, event.went_negative, event.business_date)
            ids = ledger.sent_transfer_ids | {event.transfer_id}
            return dataclasses.replace(sent, sent_transfer_ids=ids)
        case StockTransferredIn():
            arrived = _in(ledger, event.lines, event.settlement_variance_idr)
            ids = ledger.received_transfer_ids | {event.transfer_id}
            return dataclasses.replace(arrived, received_transfer_ids=ids)
        case StockReserved():
            return dataclasses.replace(
                ledger, reservations={**ledger.reservations, event.reservation_id: event.qty})
        case StockReservationReleased():
            held = {k: v for k, v in ledger.reservations.items() if k != event.reservation_id}
            return dataclasses.replace(ledger, reservations=held)
        case _:
            assert_never(event)


def _received(
    ledger: StockLedger,
    event: GoodsReceived | ProduceReceivedFromMember,
    qty: int,
    cost_idr: int,
) -> StockLedger:
    lots = _moved(ledger.lots, event.lot_id, qty, event.expiry_date, event.harvest_date)
    valuation = ledger.valuation.added(qty, cost_idr, event.settlement_variance_idr)
    return dataclasses.replace(ledger, lots=lots, valuation=valuation)


def _out(
    ledger: StockLedger, lines: Iterable[StockLine], went_negative: bool, day: date
) -> StockLedger:
    lots, valuation = ledger.lots, ledger.valuation
    for line in lines:  # one at a time: each line's cost was decided on the state before it
        lots = _moved(lots, line.lot_id, -line.qty, line.expiry_date, None)
        valuation = valuation.removed(line.qty, line.cost_idr)
    flagged = ledger.negative_flagged or went_negative
    since = ledger.went_negative_on if ledger.negative_flagged else (day if went_negative else None)
    return dataclasses.replace(
        ledger, lots=lots, valuation=valuation, negative_flagged=flagged, went_negative_on=since
    )


def _in(ledger: StockLedger, lines: tuple[StockLine, ...], variance_idr: int) -> StockLedger:
    lots = ledger.lots
    for line in lines:
        lots = _moved(lots, line.lot_id, line.qty, line.expiry_date, None)
    qty = sum(line.qty for line in lines)
    cost = sum(line.cost_idr for line in lines)
    return dataclasses.replace(
        ledger, lots=lots, valuation=ledger.valuation.added(qty, cost, variance_idr)
    )


def _adjusted(ledger: StockLedger, event: StockAdjusted) -> StockLedger:
    lots = _moved(ledger.lots, event.lot_id, event.qty_delta, None, None)
    if event.qty_delta < 0:
        valuation = ledger.valuation.removed(-event.qty_delta, event.value_idr)
    else:
        valuation = ledger.valuation.added(
            event.qty_delta, event.value_idr, event.settlement_variance_idr
        )
    return dataclasses.replace(ledger, lots=lots, valuation=valuation)


def _moved(
    lots: Mapping[str | None, Lot],
    lot_id: str | None,
    delta: int,
    expiry_date: date | None,
    harvest_date: date | None,
) -> dict[str | None, Lot]:
    """``lots`` with ``delta`` added to one lot; a lot seen first is created in receipt order."""
    lot = lots.get(lot_id)
    if lot is None:
        lot = Lot(
            lot_id=lot_id, qty=0, seq=len(lots), expiry_date=expiry_date, harvest_date=harvest_date
        )
    return {**lots, lot_id: dataclasses.replace(lot, qty=lot.qty + delta)}
