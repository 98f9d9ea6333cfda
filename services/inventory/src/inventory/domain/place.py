"""What one sale decides on: a warehouse, the products it names and their ledgers there.

Loaded in one read (a sale's round trips are few by design) and decided on in memory;
each ledger comes with the stream version it was read at, the expected version of the
sale's append.
"""

from __future__ import annotations

import dataclasses

from inventory.domain.ledger import StockLedger
from inventory.domain.product import Product
from inventory.domain.warehouse import Warehouse

__all__ = ["Place"]


@dataclasses.dataclass(frozen=True, slots=True)
class Place:
    """A warehouse (None: not found), the products found, and per product id its
    ledger in the warehouse with the version it was read at (empty at 0 when new)."""

    warehouse: Warehouse | None
    products: dict[str, Product]
    ledgers: dict[str, tuple[StockLedger, int]]
