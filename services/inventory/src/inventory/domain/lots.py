"""Lots and the order stock leaves them in: FEFO, FIFO, expired lots last.

- ``lot_expiry`` products leave first expiry, first out (FEFO): earliest expiry first,
  lots without an expiry date after every dated lot, ties by receipt order.
- ``lot`` products leave first in, first out (FIFO) by receipt order.
- ``none`` products have one undivided balance (lot ``None``).

When ``expired_last`` is set (a sale), lots expired on the business date (expiry
before it) are taken only once every fresh lot is empty, and the pick says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from inventory.domain.values import LotTracking

__all__ = ["Lot", "Pick", "issue_order", "pick"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Lot:
    """The balance of one lot (``lot_id None``: the product's single unlotted balance,
    or for a lot-tracked product what an oversell took beyond every lot)."""

    lot_id: str | None
    qty: int
    seq: int  # receipt order: the n-th lot this ledger saw
    expiry_date: date | None = None
    harvest_date: date | None = None

    def expired_on(self, day: date) -> bool:
        """Past its expiry on ``day`` (a lot is still good on its expiry date)."""
        return self.expiry_date is not None and self.expiry_date < day


@dataclasses.dataclass(frozen=True, kw_only=True)
class Pick:
    """Which lots a quantity is taken from, in order, and what no lot covered."""

    parts: tuple[tuple[str | None, int], ...]
    shortfall: int
    used_expired: bool


def issue_order(lots: Iterable[Lot], tracking: LotTracking) -> list[Lot]:
    """The lots holding stock, in the order they are issued."""
    stocked = [lot for lot in lots if lot.qty > 0]
    if tracking is LotTracking.LOT_EXPIRY:
        return sorted(stocked, key=_first_expiry_first)
    return sorted(stocked, key=lambda lot: lot.seq)


def _first_expiry_first(lot: Lot) -> tuple[bool, date, int]:
    """Dated lots by expiry, then undated ones; ties by receipt order."""
    return (lot.expiry_date is None, lot.expiry_date or date.max, lot.seq)


def pick(
    lots: Iterable[Lot], qty: int, *, tracking: LotTracking, day: date, expired_last: bool
) -> Pick:
    """Take ``qty`` from ``lots`` in issue order; what is left over is the shortfall."""
    order = issue_order(lots, tracking)
    if expired_last:
        order = [lot for lot in order if not lot.expired_on(day)] + [
            lot for lot in order if lot.expired_on(day)
        ]
    parts: list[tuple[str | None, int]] = []
    used_expired = False
    remaining = qty
    for lot in order:
        if remaining == 0:
            break
        taken = min(lot.qty, remaining)
        parts.append((lot.lot_id, taken))
        used_expired = used_expired or (expired_last and lot.expired_on(day))
        remaining -= taken
    return Pick(parts=tuple(parts), shortfall=remaining, used_expired=used_expired)
