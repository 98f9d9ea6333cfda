"""Properties of the stock ledger over any sequence of commands (hypothesis).

Each run defines a product (no lots, FIFO lots or FEFO lots), then applies random
receipts, produce deliveries, issues (online and offline), returns, write-offs, counts
and transfers through the real deciders. A command the domain refuses is skipped, as
a clerk's mistake would be; everything accepted must keep the ledger's promises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inventory_builders import TODAY, a_ledger, a_product, days, fold_stock, lot_quantities

from gotong_platform.domain import DomainError
from inventory.domain import (
    AdjustmentReason,
    AdjustStock,
    CountedLot,
    CountStock,
    GoodsReceived,
    IssueReason,
    IssueStock,
    LotTracking,
    ProduceReceivedFromMember,
    Product,
    ReceiveGoods,
    ReceiveProduce,
    ReceiveTransfer,
    ReturnStock,
    StockAdjusted,
    StockCounted,
    StockEvent,
    StockIssued,
    StockLedger,
    StockLine,
    StockReturned,
    StockTransferredIn,
    StockTransferredOut,
    TransferStockOut,
    adjust_stock,
    count_stock,
    evolve_stock,
    issue_stock,
    receive_goods,
    receive_produce,
    receive_transfer,
    replay_stock,
    return_stock,
    transfer_stock_out,
)

pytestmark = pytest.mark.unit

# The lots a run may use, with the expiry each has for a FEFO product: one expired, two
# dated, one without a date.
EXPIRY = {"A": days(-5), "B": days(3), "C": None, "D": days(10)}
WRITE_OFF = [r for r in AdjustmentReason if r is not AdjustmentReason.COUNT_CORRECTION]

qtys = st.integers(min_value=1, max_value=3_000)
costs = st.integers(min_value=0, max_value=5_000_000)
lot_keys = st.sampled_from(sorted(EXPIRY))

operations = st.one_of(
    st.tuples(st.just("receive"), qtys, costs, lot_keys),
    st.tuples(st.just("produce"), qtys, st.integers(0, 200), st.integers(1, 60_000), lot_keys),
    st.tuples(st.just("issue"), qtys, st.sampled_from(IssueReason), st.booleans(), st.booleans()),
    st.tuples(st.just("return"), st.integers(min_value=0)),
    st.tuples(st.just("adjust"), qtys, lot_keys, st.sampled_from(WRITE_OFF)),
    st.tuples(st.just("count"), st.dictionaries(lot_keys, st.integers(0, 3_000), max_size=4)),
    st.tuples(st.just("transfer_out"), qtys, st.booleans()),
    st.tuples(
        st.just("transfer_in"),
        st.lists(st.tuples(lot_keys, qtys, costs), min_size=1, max_size=3),
        st.integers(0, 100),
    ),
)
runs = st.tuples(st.sampled_from(LotTracking), st.lists(operations, max_size=30))


@dataclass
class Run:
    """A product, its ledger and every event accepted so far."""

    product: Product
    ledger: StockLedger
    events: list[StockEvent]
    n: int = 0

    def lot(self, key: str) -> str | None:
        return None if self.product.lot_tracking is LotTracking.NONE else key

    def expiry(self, key: str) -> date | None:
        return EXPIRY[key] if self.product.lot_tracking is LotTracking.LOT_EXPIRY else None

    def next_id(self, kind: str) -> str:
        self.n += 1
        return f"{kind}-{self.n}"


def start(tracking: LotTracking) -> Run:
    product = a_product(lot_tracking=tracking)
    return Run(product=product, ledger=a_ledger(product), events=[])


def decide(run: Run, op: tuple[Any, ...]) -> list[StockEvent]:
    """The events of one random command (the domain may refuse it)."""
    ledger, product = run.ledger, run.product
    kind, *args = op
    if kind == "receive":
        qty, cost, key = args
        command: Any = ReceiveGoods(
            receipt_id=run.next_id("grn"),
            qty=qty,
            total_cost_idr=cost,
            business_date=TODAY,
            lot_id=run.lot(key),
            expiry_date=run.expiry(key),
        )
        return receive_goods(ledger, command, product=product, today=TODAY)
    if kind == "produce":
        net, tare, price, key = args
        command = ReceiveProduce(
            receipt_id=run.next_id("rcpt"),
            member_id="member-1",
            gross_qty_g=net + tare,
            tare_g=tare,
            lot_id=key,
            harvest_date=days(-1),
            business_date=TODAY,
            price_idr=price,
            recorded_offline=True,
        )
        return receive_produce(ledger, command, product=product, today=TODAY)
    if kind == "issue":
        qty, reason, offline, allow_negative = args
        command = IssueStock(
            issue_id=run.next_id("issue"),
            reason=reason,
            reference="ref",
            qty=qty,
            business_date=TODAY,
            recorded_offline=offline,
        )
        return issue_stock(
            ledger, command, product=product, today=TODAY, allow_negative=allow_negative
        )
    if kind == "return":
        (index,) = args
        issue_ids = sorted(ledger.issues)
        if not issue_ids:
            return []
        command = ReturnStock(issue_id=issue_ids[index % len(issue_ids)], business_date=TODAY)
        return return_stock(ledger, command, today=TODAY)
    if kind == "adjust":
        qty, key, reason = args
        command = AdjustStock(
            adjustment_id=run.next_id("adj"),
            qty=qty,
            reason=reason,
            business_date=TODAY,
            lot_id=run.lot(key),
        )
        return adjust_stock(ledger, command, product=product, today=TODAY)
    if kind == "count":
        (counted,) = args
        return count_stock(ledger, counting(run, counted), product=product, today=TODAY)
    if kind == "transfer_out":
        qty, allow_negative = args
        command = TransferStockOut(
            transfer_id=run.next_id("trf"),
            to_warehouse_id="warehouse-other",
            to_cooperative_id="cooperative-test",
            qty=qty,
            business_date=TODAY,
        )
        return transfer_stock_out(
            ledger, command, product=product, today=TODAY, allow_negative=allow_negative
        )
    lines_args, received_pct = args
    lines = tuple(
        StockLine(lot_id=run.lot(key), qty=qty, cost_idr=cost, expiry_date=run.expiry(key))
        for key, qty, cost in lines_args
    )
    sent = sum(line.qty for line in lines)
    command = ReceiveTransfer(
        transfer_id=run.next_id("trf-in"),
        from_warehouse_id="warehouse-other",
        lines=lines,
        qty_received=sent * received_pct // 100,
        business_date=TODAY,
    )
    return receive_transfer(ledger, command, product=product, today=TODAY)


def counting(run: Run, counted: dict[str, int]) -> CountStock:
    lots: tuple[CountedLot, ...]
    if run.product.lot_tracking is LotTracking.NONE:
        lots = (CountedLot(lot_id=None, qty=sum(counted.values())),) if counted else ()
    else:
        lots = tuple(CountedLot(lot_id=key, qty=qty) for key, qty in counted.items())
    return CountStock(count_id=run.next_id("count"), counted=lots, business_date=TODAY)


def qty_effect(event: StockEvent) -> int:
    """What an event does to the quantity on hand, read from the event alone."""
    match event:
        case GoodsReceived():
            return event.qty
        case ProduceReceivedFromMember():
            return event.net_qty_g
        case StockIssued() | StockTransferredOut():
            return -sum(line.qty for line in event.lines)
        case StockReturned() | StockTransferredIn():
            return sum(line.qty for line in event.lines)
        case StockAdjusted():
            return event.qty_delta
        case StockCounted():
            return 0


def play(run: Run, ops: list[tuple[Any, ...]]) -> None:
    """Apply ``ops``, checking the ledger's invariants after every accepted event."""
    for op in ops:
        try:
            events = decide(run, op)
        except DomainError:
            continue
        for event in events:
            before = run.ledger
            run.ledger = evolve_stock(before, event)
            run.events.append(event)
            check_invariants(run)
            if isinstance(event, StockIssued | StockTransferredOut):
                check_picking(run.product, before, event, run.ledger)


def check_invariants(run: Run) -> None:
    ledger = run.ledger
    assert ledger.on_hand == sum(qty_effect(event) for event in run.events)
    assert ledger.on_hand == sum(lot.qty for lot in ledger.lots.values())
    if ledger.on_hand >= 0:
        assert ledger.value_idr >= 0
    if ledger.on_hand == 0:
        assert ledger.value_idr == 0


def check_picking(
    product: Product,
    before: StockLedger,
    event: StockIssued | StockTransferredOut,
    after: StockLedger,
) -> None:
    """No lot leaves while a lot that goes before it (FEFO / FIFO) still has stock."""
    expired_last = isinstance(event, StockIssued) and event.reason is IssueReason.SALE

    def goes_first(lot_id: str | None) -> tuple[Any, ...]:
        lot = before.lots[lot_id]
        if product.lot_tracking is not LotTracking.LOT_EXPIRY:
            return (lot.seq,)
        expired = expired_last and lot.expiry_date is not None and lot.expiry_date < TODAY
        return (expired, lot.expiry_date is None, lot.expiry_date or date.max, lot.seq)

    stocked = [lot_id for lot_id, lot in before.lots.items() if lot.qty > 0]
    taken = [line.lot_id for line in event.lines if line.lot_id in stocked]
    for lot_id in taken:
        for earlier in stocked:
            if goes_first(earlier) < goes_first(lot_id):
                assert after.lot_qty(earlier) <= 0, (earlier, lot_id)
    assert event.went_negative == (before.on_hand < sum(line.qty for line in event.lines))


@settings(max_examples=150, deadline=None)
@given(runs)
def test_the_ledger_keeps_its_promises_over_any_history(run_args: tuple[Any, ...]) -> None:
    tracking, ops = run_args
    run = start(tracking)

    play(run, ops)

    replayed = replay_stock(
        run.events, warehouse_id=run.ledger.warehouse_id, product_id=run.product.product_id
    )
    assert replayed == run.ledger


@settings(max_examples=150, deadline=None)
@given(runs, qtys, st.sampled_from(IssueReason))
def test_a_return_right_after_an_issue_restores_quantity_and_value_exactly(
    run_args: tuple[Any, ...], qty: int, reason: IssueReason
) -> None:
    tracking, ops = run_args
    run = start(tracking)
    play(run, ops)
    before = run.ledger
    command = IssueStock(
        issue_id="issue-last",
        reason=reason,
        reference="ref",
        qty=qty,
        business_date=TODAY,
        recorded_offline=True,
    )
    after_issue = fold_stock(before, issue_stock(before, command, product=run.product, today=TODAY))

    returned = return_stock(
        after_issue, ReturnStock(issue_id="issue-last", business_date=TODAY), today=TODAY
    )
    after = fold_stock(after_issue, returned)

    assert (after.on_hand, after.value_idr) == (before.on_hand, before.value_idr)
    assert after.valuation == before.valuation
    assert lot_quantities(after) == lot_quantities(before)


@settings(max_examples=150, deadline=None)
@given(runs, st.dictionaries(lot_keys, st.integers(0, 3_000), max_size=4))
def test_a_count_reconciles_the_ledger_to_what_was_counted(
    run_args: tuple[Any, ...], counted: dict[str, int]
) -> None:
    tracking, ops = run_args
    run = start(tracking)
    play(run, ops)
    command = counting(run, counted)

    events = count_stock(run.ledger, command, product=run.product, today=TODAY)
    play_events = fold_stock(run.ledger, events)

    expected = {entry.lot_id: entry.qty for entry in command.counted if entry.qty}
    assert lot_quantities(play_events) == expected
    assert play_events.on_hand == sum(expected.values())
    assert play_events.negative_flagged is False
    if play_events.on_hand == 0:
        assert play_events.value_idr == 0
    assert play_events.value_idr >= 0
