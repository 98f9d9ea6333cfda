"""Checks and calculations the stock deciders share: lots, expiry, costing a pick."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from inventory.domain import checks
from inventory.domain.errors import (
    ExpiryBeforeHarvest,
    ExpiryNotTracked,
    LotExpiryMismatch,
    LotIdRequired,
    LotNotTracked,
)
from inventory.domain.ledger import StockLedger
from inventory.domain.lots import Lot, Pick
from inventory.domain.product import Product
from inventory.domain.stock_events import StockLine
from inventory.domain.valuation import Valuation
from inventory.domain.values import LotTracking

__all__ = ["check_lot_expiry", "cost_pick", "expiry_for", "lot_for", "same_product"]

LOT_MAX = 100


def same_product(ledger: StockLedger, product: Product) -> None:
    """The product passed is the ledger's (a caller's programming error otherwise)."""
    if product.product_id != ledger.product_id:
        raise ValueError("the product passed is not the one this ledger holds")


def lot_for(product: Product, lot_id: str | None) -> str | None:
    """The cleaned lot id: required for a lot-tracked product, refused for any other."""
    lot = checks.optional_text(lot_id, what="The lot", max_length=LOT_MAX)
    if product.lot_tracking is LotTracking.NONE and lot is not None:
        raise LotNotTracked(f"{product.name} is not tracked by lot; leave the lot empty.")
    if product.lot_tracking is not LotTracking.NONE and lot is None:
        raise LotIdRequired(f"{product.name} is tracked by lot; name the lot.")
    return lot


def expiry_for(
    product: Product, expiry_date: date | None, harvest_date: date | None
) -> date | None:
    """The lot's expiry: as given, else harvest date + shelf life for a ``lot_expiry`` product.

    A ``lot_expiry`` lot with neither stays without expiry and is issued after every
    dated lot.
    """
    if product.lot_tracking is not LotTracking.LOT_EXPIRY:
        if expiry_date is not None:
            raise ExpiryNotTracked(
                f"{product.name} is not tracked with expiry dates; leave the expiry empty."
            )
        return None
    if expiry_date is None and harvest_date is not None and product.shelf_life_days:
        return harvest_date + timedelta(days=product.shelf_life_days)
    if expiry_date is not None and harvest_date is not None and expiry_date < harvest_date:
        raise ExpiryBeforeHarvest(
            f"The expiry date ({expiry_date.isoformat()}) is before the harvest date "
            f"({harvest_date.isoformat()})."
        )
    return expiry_date


def check_lot_expiry(ledger: StockLedger, lot_id: str | None, expiry_date: date | None) -> None:
    """A receipt into a lot the ledger knows carries that lot's expiry."""
    lot = ledger.lots.get(lot_id)
    if lot is not None and lot_id is not None and lot.expiry_date != expiry_date:
        known = lot.expiry_date.isoformat() if lot.expiry_date else "no expiry date"
        given = expiry_date.isoformat() if expiry_date else "no expiry date"
        raise LotExpiryMismatch(
            f"Lot {lot_id} is known with {known}; this receipt says {given}. "
            "Use a new lot id for goods with another expiry."
        )


def cost_pick(
    valuation: Valuation, picked: Pick, lots: Mapping[str | None, Lot]
) -> tuple[StockLine, ...]:
    """The lines of a pick, each costed on the valuation the lines before it left.

    What no lot covered (the shortfall of an oversell) joins the unlotted line.
    """
    parts = dict(picked.parts)  # lot ids are unique in a pick; order is kept
    if picked.shortfall:
        parts[None] = parts.get(None, 0) + picked.shortfall
    lines = []
    for lot_id, qty in parts.items():
        cost, valuation = valuation.take(qty)
        lot = lots.get(lot_id)
        expiry = lot.expiry_date if lot is not None else None
        lines.append(StockLine(lot_id=lot_id, qty=qty, cost_idr=cost, expiry_date=expiry))
    return tuple(lines)
