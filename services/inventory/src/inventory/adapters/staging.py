"""Streams decided and ready to write, and writing several of them in ONE statement.

A sale appends its ledgers' events and its own with their outbox rows, and writes each
ledger's level, lots, snapshot, entries and sale issues and the sale's row, in one
statement (``PostgresEventStore.write_streams`` with ``AlsoWrite`` CTEs; the events are
inserted first, so a concurrent writer gets 409 before any query row is touched). The
ledgers' and the sales' repositories write a single stream the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.eventstore import PostgresEventStore, StreamAppend
from gotong_platform.provenance import Provenance
from inventory.adapters import projections, snapshots
from inventory.adapters.publishing import sale_contract, stock_contract
from inventory.adapters.streams import new_events, outgoing
from inventory.domain import (
    IssueReason,
    Product,
    ProductCategory,
    Sale,
    SaleEvent,
    SaleRecorded,
    StockEvent,
    StockIssued,
    StockLedger,
    evolve_sale,
    evolve_stock,
)

__all__ = ["StagedSale", "StagedStock", "stage_sale", "stage_stock", "write"]


@dataclasses.dataclass(frozen=True, slots=True)
class StagedStock:
    """A ledger's new events, decided and ready to be written (``write``)."""

    ledger: StockLedger  # after the events
    version: int  # after the events
    append: StreamAppend
    events: Sequence[StockEvent]
    product: Product
    cooperative_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class StagedSale:
    sale: Sale  # after the events
    version: int  # after the events
    append: StreamAppend
    events: Sequence[SaleEvent]
    flags: Sequence[str]


def stage_stock(
    store: PostgresEventStore, ledger: StockLedger, version: int,
    events: Sequence[StockEvent], *, product: Product, cooperative_id: str,
    provenance: Provenance, source_cooperative_id: str | None = None,
    after: StockLedger | None = None,
) -> StagedStock:
    """The ledger's new events ready to write. ``cooperative_id`` owns the ledger's
    warehouse; ``source_cooperative_id`` is the sender of a transfer being received;
    ``after``: the ledger after the events, when the caller has folded them already."""
    if after is None:
        after = ledger
        for e in events:
            after = evolve_stock(after, e)
    out = [outgoing(e, stock_contract(e, cooperative_id=cooperative_id,
                                      source_cooperative_id=source_cooperative_id),
                    e.business_date)
           for e in events]
    append = StreamAppend(projections.stock_stream_id(after.warehouse_id, after.product_id),
                          version, new_events(store, out, cooperative_id, provenance))
    return StagedStock(ledger=after, version=version + len(events), append=append,
                       events=events, product=product, cooperative_id=cooperative_id)


def stage_sale(
    store: PostgresEventStore, before: Sale | None, version: int,
    events: Sequence[SaleEvent], *, categories: Mapping[str, ProductCategory],
    provenance: Provenance, flags: Sequence[str] = (),
) -> StagedSale:
    """``categories``: of every product a ``SaleRecorded`` among ``events`` names (its
    contract publishes them)."""
    state = before
    for e in events:
        state = evolve_sale(state, e)
    if state is None:
        raise ValueError("save_sale needs at least one event for a new sale")
    # Every sale event carries its own date, so no fallback day is needed.
    out = [outgoing(e, sale_contract(e, categories), date.min) for e in events]
    append = StreamAppend(state.sale_id, version,
                          new_events(store, out, state.cooperative_id, provenance))
    return StagedSale(sale=state, version=version + len(events), append=append,
                      events=events, flags=flags)


async def write(store: PostgresEventStore, conn: DbConnection, stocks: Sequence[StagedStock],
                sales: Sequence[StagedSale] = ()) -> None:
    """Append the staged events of every stream and write each ledger's query rows,
    snapshot and entries and each new sale's row, in ONE statement (ledgers in the
    order given: product order, so concurrent commands never deadlock). Later sale
    events (completed, voided) update the sale's row after it."""
    writes = [
        projections.stock_writes(
            st.ledger, product=st.product, cooperative_id=st.cooperative_id,
            version=st.version, snapshot=json_dumps(snapshots.ledger_snapshot(st.ledger)),
            entries=snapshots.entries_of(st.events),
            sale_issues=[e for e in st.events
                         if isinstance(e, StockIssued) and e.reason is IssueReason.SALE],
            tag=f"_s{n}")
        for n, st in enumerate(stocks)]
    later: list[tuple[SaleEvent, int, Sequence[str]]] = []
    for n, sa in enumerate(sales):
        first = sa.version - len(sa.events) + 1
        for k, e in enumerate(sa.events):
            if isinstance(e, SaleRecorded):
                writes.append(projections.sale_recorded_writes(
                    e, first + k, sa.flags, tag=f"_r{n}"))
            else:
                later.append((e, first + k, sa.flags))
    appends = [st.append for st in stocks] + [sa.append for sa in sales]
    if any(a.events for a in appends):
        await store.write_streams(conn, appends, writes)
    else:
        await projections.run_writes(conn, writes)
    for e, version, flags in later:
        await projections.project_sale(conn, e, version, flags)
