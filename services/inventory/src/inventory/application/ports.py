"""What the use cases need from storage and from the members directory, as small Protocols.

One repository per aggregate (warehouses, products, stock ledgers, sales), the transfer
lines on their way, the till (a sale reads and writes its warehouse, products, ledgers
and itself in one statement each: the hot path) and the local members directory.
``main.py`` wires the PostgreSQL adapters in (``inventory.adapters``); unit tests wire
in-memory fakes. Every method works in the caller's transaction, ``conn``; a stream is
saved after the version it was loaded at, and a concurrent writer of it makes the save
raise ``ConcurrencyConflict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from gotong_platform.db import DbConnection
from gotong_platform.directory import CooperativeFacts, MemberFacts
from gotong_platform.provenance import Provenance
from inventory.domain import (
    Listing,
    ListingEvent,
    Place,
    Product,
    ProductEvent,
    Sale,
    SaleEvent,
    SentLine,
    StockEvent,
    StockLedger,
    StockTransferredOut,
    Storefront,
    StorefrontEvent,
    Warehouse,
    WarehouseEvent,
)
from inventory.domain.order import Order
from inventory.domain.order_events import OrderEvent

__all__ = [
    "CatalogueImages",
    "Listings",
    "MembersDirectory",
    "Orders",
    "Products",
    "Sales",
    "StockLedgers",
    "Storefronts",
    "Till",
    "TransferLines",
    "Warehouses",
]


class Warehouses(Protocol):
    async def load(self, conn: DbConnection, warehouse_id: str) -> Warehouse | None:
        """The warehouse, or None when no warehouse has this id."""
        ...

    async def save(self, conn: DbConnection, events: Sequence[WarehouseEvent],
                   provenance: Provenance, today: date) -> Warehouse:
        """A new warehouse's events; ``today``: their business date."""
        ...


class Products(Protocol):
    async def load(self, conn: DbConnection, product_id: str) -> tuple[Product | None, int]:
        """The product (None: no product has this id) and its version."""
        ...

    async def save(
        self, conn: DbConnection, before: Product | None, version: int,
        events: Sequence[ProductEvent], provenance: Provenance, today: date,
    ) -> tuple[Product, int]:
        """The product after ``events`` and its version. A new product whose SKU another
        product of its cooperative took first raises ``DuplicateSku``."""
        ...

    async def id_of_sku(self, conn: DbConnection, cooperative_id: str, sku: str) -> str | None:
        """The cooperative's product with this SKU, if any."""
        ...


class StockLedgers(Protocol):
    async def load(self, conn: DbConnection, warehouse_id: str, product_id: str,
                   entry_ids: Iterable[str] = ()) -> tuple[StockLedger, int]:
        """The ledger (empty at version 0 before its first event). Of its id sets (issues,
        returns, transfers) only ``entry_ids`` need be loaded: the ids the command
        looks up."""
        ...

    async def save(
        self, conn: DbConnection, ledger: StockLedger, version: int,
        events: Sequence[StockEvent], *, product: Product, cooperative_id: str,
        provenance: Provenance, source_cooperative_id: str | None = None,
    ) -> tuple[StockLedger, int]:
        """The ledger after ``events`` and its version. ``cooperative_id`` owns the
        warehouse; ``source_cooperative_id`` sent the transfer being received."""
        ...


class Sales(Protocol):
    async def load(self, conn: DbConnection, sale_id: str) -> tuple[Sale | None, int]:
        """The sale (None: no sale has this id) and its version."""
        ...

    async def save(self, conn: DbConnection, before: Sale | None, version: int,
                   events: Sequence[SaleEvent], *, provenance: Provenance
                   ) -> tuple[Sale, int]:
        """A recorded sale's later events (completed, voided)."""
        ...

    async def issues(self, conn: DbConnection, sale_id: str) -> list[tuple[str, str]]:
        """(product id, issue id) of every stock issue of the sale, in product order."""
        ...


class Till(Protocol):
    """A sale at the shop: one read and one write, across the aggregates it touches."""

    async def load_place(self, conn: DbConnection, warehouse_id: str,
                         product_ids: Iterable[str], entry_ids: Iterable[str] = ()) -> Place:
        """The warehouse, the products named and their ledgers there (``entry_ids``: as
        ``StockLedgers.load``)."""
        ...

    async def write_sale(
        self, conn: DbConnection, place: Place,
        issued: Sequence[tuple[StockLedger, Sequence[StockEvent]]],
        events: Sequence[SaleEvent], *, flags: Sequence[str], provenance: Provenance,
    ) -> Sale:
        """A new sale's ``events`` and, per ledger of ``place`` it issued stock from (in
        product order), the ledger after its events and the events; all or nothing.
        ``flags``: what staff should check about the sale."""
        ...


class Orders(Protocol):
    """Orders from outside buyers: stream ``order-<uuid>`` and its ``orders`` row."""

    async def load(self, conn: DbConnection, order_id: str) -> tuple[Order | None, int]:
        """The order (None: no order has this id) and its version."""
        ...

    async def write(
        self, conn: DbConnection, place: Place | None,
        changed: Sequence[tuple[StockLedger, Sequence[StockEvent]]],
        before: Order | None, version: int, events: Sequence[OrderEvent], *,
        provenance: Provenance, sale_events: Sequence[SaleEvent] = (),
    ) -> Order:
        """The order's ``events`` (after ``version``), and per ledger of ``place`` that
        changed (in product order) the ledger after its events and the events, and a new
        sale's ``sale_events``: all or nothing. The order after its events."""
        ...

    async def due(self, conn: DbConnection, cooperative_id: str, now: datetime,
                  limit: int) -> list[str]:
        """The cooperative's unpaid orders whose deadline is ``now`` or earlier, oldest
        deadline first."""
        ...


class TransferLines(Protocol):
    """One line per product of each transfer on its way between two warehouses."""

    async def record_sent(self, conn: DbConnection, event: StockTransferredOut, *,
                          from_cooperative_id: str) -> None:
        ...

    async def incoming(self, conn: DbConnection, transfer_id: str, warehouse: Warehouse
                       ) -> list[SentLine]:
        """The transfer's lines on their way to ``warehouse``, in product order (empty:
        none), held until the transaction ends so that two receipts take turns."""
        ...

    async def mark_received(
        self, conn: DbConnection, transfer_id: str, product_id: str, *,
        received_product_id: str, qty_received: int, received_on: date,
    ) -> None:
        """``product_id``: as sent; ``received_product_id``: the receiver's product."""
        ...


class MembersDirectory(Protocol):
    """The local copy of the members service's directory (fed by the consumer)."""

    async def member(self, conn: DbConnection, member_id: str) -> MemberFacts | None:
        ...

    async def cooperative(self, conn: DbConnection, cooperative_id: str
                          ) -> CooperativeFacts | None:
        ...

    async def time_zone(self, conn: DbConnection, cooperative_id: str) -> str | None:
        """The cooperative's time zone (WIB, WITA, WIT); None while it is not known."""
        ...


class Listings(Protocol):
    async def load(self, conn: DbConnection, listing_id: str) -> tuple[Listing | None, int]:
        """The listing (None: no listing has this id) and its version."""
        ...

    async def id_of_product(self, conn: DbConnection, product_id: str) -> str | None:
        """The product's listing, if it has one (published or withdrawn)."""
        ...

    async def save(self, conn: DbConnection, before: Listing | None, version: int,
                   events: Sequence[ListingEvent], provenance: Provenance, today: date
                   ) -> Listing:
        """The listing after ``events``. A first listing of a product another listing took
        first raises ``ProductAlreadyListed``."""
        ...


class Storefronts(Protocol):
    async def load(self, conn: DbConnection, cooperative_id: str
                   ) -> tuple[Storefront | None, int]:
        ...

    async def save(self, conn: DbConnection, before: Storefront | None, version: int,
                   events: Sequence[StorefrontEvent], provenance: Provenance, today: date
                   ) -> Storefront:
        ...


class CatalogueImages(Protocol):
    async def save(self, conn: DbConnection, image_id: str, cooperative_id: str,
                   media_type: str, body: bytes) -> str:
        """Keep the image's bytes; its id."""
        ...
