"""Snapshots of stream state, as stored next to the query rows (``stock_levels.state``,
``products.state``), and the ledger entries a command may name (``stock_ledger_entries``).

A snapshot is a cache of the events: ``state`` at the row's ``version``. Loading reads
the snapshot and any events after it (one statement), so a missing (NULL), stale or
unreadable snapshot only costs a replay. ``FORMAT`` is bumped whenever the encoding
below changes; a snapshot of another format is ignored (replayed).

What the stock ledger's snapshot holds is bounded: lots, valuation, the negative flag,
the dates and the reservations of open orders. Its id sets grow with every movement,
so they are rows of their own (``entries``) and a command loads only the ids it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from gotong_platform.codec import dataclass_from_payload
from inventory.domain import (
    BaseUnit,
    LotTracking,
    PriceList,
    Product,
    ProductCategory,
    StockEvent,
    StockIssued,
    StockLedger,
    StockLine,
    StockReturned,
    StockTransferredIn,
    StockTransferredOut,
)
from inventory.domain.ledger import IssueRecord
from inventory.domain.lots import Lot
from inventory.domain.pricing import Price
from inventory.domain.valuation import Valuation

__all__ = [
    "FORMAT",
    "Entry",
    "entries_of",
    "entries_of_ledger",
    "ledger_from_snapshot",
    "ledger_snapshot",
    "product_from_snapshot",
    "product_snapshot",
    "with_entries",
]

# 2: the ledger's reservations (stock held for orders) are part of its state.
FORMAT = 2

# (kind, entry id, reference, lines as stored): one row of ``stock_ledger_entries``.
Entry = tuple[str, str, str | None, list[dict[str, Any]] | None]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(raw: str | None) -> date | None:
    return None if raw is None else date.fromisoformat(raw)


def ledger_snapshot(ledger: StockLedger) -> dict[str, Any]:
    """The bounded part of the ledger, JSON-ready (lots in the ledger's own order)."""
    v = ledger.valuation
    return {
        "format": FORMAT,
        "lots": [[lot.lot_id, lot.qty, lot.seq, _iso(lot.expiry_date), _iso(lot.harvest_date)]
                 for lot in ledger.lots.values()],
        "valuation": [v.qty, v.value_idr, v.basis_value_idr, v.basis_qty],
        "negative_flagged": ledger.negative_flagged,
        "went_negative_on": _iso(ledger.went_negative_on),
        "last_counted_on": _iso(ledger.last_counted_on),
        "reservations": [[rid, qty] for rid, qty in sorted(ledger.reservations.items())],
    }


def ledger_from_snapshot(state: Mapping[str, Any], *, warehouse_id: str,
                         product_id: str) -> StockLedger | None:
    """The ledger the snapshot holds (empty id sets), or None for another format."""
    if state.get("format") != FORMAT:
        return None
    lots = {lot_id: Lot(lot_id=lot_id, qty=qty, seq=seq, expiry_date=_day(expiry),
                        harvest_date=_day(harvest))
            for lot_id, qty, seq, expiry, harvest in state["lots"]}
    qty, value, basis_value, basis_qty = state["valuation"]
    return StockLedger(
        warehouse_id=warehouse_id, product_id=product_id, lots=lots,
        valuation=Valuation(qty=qty, value_idr=value, basis_value_idr=basis_value,
                            basis_qty=basis_qty),
        negative_flagged=state["negative_flagged"],
        went_negative_on=_day(state["went_negative_on"]),
        last_counted_on=_day(state["last_counted_on"]),
        reservations={rid: qty for rid, qty in state["reservations"]})


def entries_of(events: Iterable[StockEvent]) -> list[Entry]:
    """The ``stock_ledger_entries`` rows the events add."""
    out: list[Entry] = []
    for e in events:
        match e:
            case StockIssued():
                out.append(("issue", e.issue_id, e.reference,
                            [event_payload_line(line) for line in e.lines]))
            case StockReturned():
                out.append(("returned", e.issue_id, None, None))
            case StockTransferredOut():
                out.append(("sent", e.transfer_id, None, None))
            case StockTransferredIn():
                out.append(("received", e.transfer_id, None, None))
            case _:
                pass
    return out


def entries_of_ledger(ledger: StockLedger) -> list[Entry]:
    """Every entry of a replayed ledger (to rebuild ``stock_ledger_entries``)."""
    out: list[Entry] = [
        ("issue", issue_id, record.reference,
         [event_payload_line(line) for line in record.lines])
        for issue_id, record in ledger.issues.items()]
    out.extend(("returned", i, None, None) for i in sorted(ledger.returned_issue_ids))
    out.extend(("sent", i, None, None) for i in sorted(ledger.sent_transfer_ids))
    out.extend(("received", i, None, None) for i in sorted(ledger.received_transfer_ids))
    return out


def event_payload_line(line: StockLine) -> dict[str, Any]:
    return {"lot_id": line.lot_id, "qty": line.qty, "cost_idr": line.cost_idr,
            "expiry_date": _iso(line.expiry_date)}


def with_entries(ledger: StockLedger, entries: Iterable[Mapping[str, Any]]) -> StockLedger:
    """``ledger`` with the stored entries added to its id sets (the ones a command named)."""
    issues = dict(ledger.issues)
    returned, sent, received = (set(ledger.returned_issue_ids), set(ledger.sent_transfer_ids),
                                set(ledger.received_transfer_ids))
    for entry in entries:
        kind, entry_id = entry["kind"], entry["id"]
        if kind == "issue":
            issues[entry_id] = dataclass_from_payload(
                IssueRecord, {"reference": entry["reference"], "lines": entry["lines"]})
        elif kind == "returned":
            returned.add(entry_id)
        elif kind == "sent":
            sent.add(entry_id)
        elif kind == "received":
            received.add(entry_id)
    return StockLedger(
        warehouse_id=ledger.warehouse_id, product_id=ledger.product_id, lots=ledger.lots,
        valuation=ledger.valuation, negative_flagged=ledger.negative_flagged,
        went_negative_on=ledger.went_negative_on, last_counted_on=ledger.last_counted_on,
        issues=issues, returned_issue_ids=frozenset(returned),
        sent_transfer_ids=frozenset(sent), received_transfer_ids=frozenset(received),
        reservations=ledger.reservations)


def product_snapshot(product: Product) -> dict[str, Any]:
    p = product
    return {"format": FORMAT, "product": {
        "product_id": p.product_id, "cooperative_id": p.cooperative_id, "sku": p.sku,
        "name": p.name, "category": p.category.value, "base_unit": p.base_unit.value,
        "lot_tracking": p.lot_tracking.value, "shelf_life_days": p.shelf_life_days,
        "prices": [{"price_list": price.price_list.value, "price_idr": price.price_idr,
                    "per_qty": price.per_qty, "effective_from": price.effective_from.isoformat()}
                   for price in p.prices]}}


def product_from_snapshot(state: Mapping[str, Any]) -> Product | None:
    if state.get("format") != FORMAT:
        return None
    p = state["product"]
    return Product(
        product_id=p["product_id"], cooperative_id=p["cooperative_id"], sku=p["sku"],
        name=p["name"], category=ProductCategory(p["category"]),
        base_unit=BaseUnit(p["base_unit"]), lot_tracking=LotTracking(p["lot_tracking"]),
        shelf_life_days=p["shelf_life_days"],
        prices=tuple(Price(price_list=PriceList(x["price_list"]), price_idr=x["price_idr"],
                           per_qty=x["per_qty"],
                           effective_from=date.fromisoformat(x["effective_from"]))
                     for x in p["prices"]))
