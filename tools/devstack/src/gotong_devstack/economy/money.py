"""Money arithmetic: the services' own rules, re-stated (the tool is stdlib only)."""

from __future__ import annotations


def round_half_up_div(n: int, d: int) -> int:
    """`n / d` to the nearest integer, halves away from zero (gotong_platform.money)."""
    if d == 0:
        raise ZeroDivisionError("round_half_up_div by zero")
    negative = (n < 0) != (d < 0)
    quotient, remainder = divmod(abs(n), abs(d))
    if 2 * remainder >= abs(d):
        quotient += 1
    return -quotient if negative else quotient


def line_amount(qty: int, price_idr: int, per_qty: int) -> int:
    """`qty` base units at `price_idr` per `per_qty` units, half up (inventory's pricing)."""
    return round_half_up_div(qty * price_idr, per_qty)
