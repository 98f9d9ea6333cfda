"""Prices per pricing unit, and the one rounding rule that turns them into line amounts.

A price per base unit would be fractional rupiah (rice at Rp 13.500 per kg is Rp 13,5
per gram), so a price is ``price_idr`` for ``per_qty`` base units: Rp 45.000 per
1000 g, Rp 3.000 per 1 pcs. Every amount derived from it is

    line_amount(qty, price_idr, per_qty) = round_half_up(qty * price_idr / per_qty)

to the rupiah, halves up (750 g at Rp 13.500/1000 g = Rp 10.125; 1 g at Rp 500/1000 g =
Rp 0,5 → Rp 1). Sale lines, produce receipts and price lists all use it, so a device
offline and the server compute the same number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from gotong_platform.money import round_half_up_div
from inventory.domain.values import PriceList

__all__ = ["Price", "latest_price", "line_amount"]


def line_amount(qty: int, price_idr: int, per_qty: int) -> int:
    """``qty`` base units at ``price_idr`` per ``per_qty`` base units, in whole rupiah (half up)."""
    if per_qty <= 0:
        raise ValueError(f"per_qty must be above zero, not {per_qty}")
    return round_half_up_div(qty * price_idr, per_qty)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Price:
    """One entry of a price list: ``price_idr`` per ``per_qty`` base units from a date on."""

    price_list: PriceList
    price_idr: int
    per_qty: int
    effective_from: date

    def amount(self, qty: int) -> int:
        """What ``qty`` base units cost at this price (``line_amount``)."""
        return line_amount(qty, self.price_idr, self.per_qty)


def latest_price(prices: Iterable[Price], price_list: PriceList, day: date) -> Price | None:
    """The price of ``price_list`` in effect on ``day``: the latest ``effective_from`` ≤ ``day``.

    ``prices`` are in the order they were set; of two with the same ``effective_from``
    the one set later wins (a correction made before the day began).
    """
    best: Price | None = None
    for price in prices:
        if price.price_list is not price_list or price.effective_from > day:
            continue
        if best is None or price.effective_from >= best.effective_from:
            best = price
    return best
