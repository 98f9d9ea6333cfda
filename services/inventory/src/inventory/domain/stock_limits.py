"""The money limit on a stock ledger: one product's stock in one warehouse is worth
less than Rp 10^12, and so is every amount a movement of it carries.

An issue may take the whole value of a ledger in one fact (its cost at the moving
average), and an oversell costs units beyond the stock at the last known average, so
the value is held within the platform's limit of one fact (``MAX_AMOUNT_IDR``) either
way: a receipt, a return, a transfer in or a count that would take it beyond is
refused, as is an issue whose cost would (``StockValueLimitReached``, 409). Every stock
decider is wrapped in ``value_limited``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Concatenate, ParamSpec

from gotong_platform.money import MAX_AMOUNT_IDR, within_amount
from inventory.domain.errors import StockValueLimitReached
from inventory.domain.ledger import StockLedger, evolve_stock
from inventory.domain.stock_events import (
    GoodsReceived,
    ProduceReceivedFromMember,
    StockAdjusted,
    StockEvent,
    StockIssued,
    StockReturned,
    StockTransferredIn,
    StockTransferredOut,
)

__all__ = ["check_value_limit", "value_limited"]

P = ParamSpec("P")
Decider = Callable[Concatenate[StockLedger, P], list[StockEvent]]


def value_limited(decide: Decider[P]) -> Decider[P]:
    """``decide``, refusing events that would take the ledger beyond the limit."""

    @functools.wraps(decide)
    def decided(ledger: StockLedger, /, *args: P.args, **kwargs: P.kwargs) -> list[StockEvent]:
        return check_value_limit(ledger, decide(ledger, *args, **kwargs))

    return decided


def check_value_limit(ledger: StockLedger, events: list[StockEvent]) -> list[StockEvent]:
    """``events`` when every amount they carry and the ledger's value after each of them
    stay within ``MAX_AMOUNT_IDR`` (either sign); ``StockValueLimitReached`` otherwise."""
    amounts = [amount for event in events for amount in _amounts(event)]
    for amount in amounts:
        if not within_amount(amount):
            raise _refused(ledger, amount)
    # Each event moves the value by at most the amounts it carries: far from the limit
    # (every day's case) nothing needs folding.
    if abs(ledger.value_idr) + sum(abs(a) for a in amounts) <= MAX_AMOUNT_IDR:
        return events
    after = ledger
    for event in events:
        after = evolve_stock(after, event)
        if not within_amount(after.value_idr):
            raise _refused(ledger, after.value_idr)
    return events


def _refused(ledger: StockLedger, value_idr: int) -> StockValueLimitReached:
    return StockValueLimitReached(
        f"This would move or leave Rp {value_idr} of stock of product {ledger.product_id} "
        f"in warehouse {ledger.warehouse_id}; one product's stock in one warehouse is worth "
        f"at most Rp {MAX_AMOUNT_IDR}."
    )


def _amounts(event: StockEvent) -> Iterator[int]:
    """The rupiah an event carries, as published (a movement's lines and their sum)."""
    match event:
        case GoodsReceived():
            yield from (event.total_cost_idr, event.settlement_variance_idr)
        case ProduceReceivedFromMember():
            yield from (event.amount_idr, event.settlement_variance_idr)
        case StockIssued() | StockTransferredOut():
            yield from (line.cost_idr for line in event.lines)
            yield sum(line.cost_idr for line in event.lines)
        case StockReturned() | StockTransferredIn():
            yield from (line.cost_idr for line in event.lines)
            yield from (sum(line.cost_idr for line in event.lines), event.settlement_variance_idr)
        case StockAdjusted():
            yield from (event.value_idr, event.settlement_variance_idr)
        case _:  # StockCounted: quantities only
            return
