"""Integer-rupiah arithmetic: rounding and splitting without floats or Decimal.

Every amount is a Python ``int`` of rupiah and every rate is in basis points
(10000 bp = 100 %). Anything that can produce a fraction states its rounding here:

- ``round_half_up_div``: one quotient, rounded to the nearest rupiah, a half rounded
  away from zero (the "commercial" rounding of ``decimal.ROUND_HALF_UP``: 2.5 → 3 and
  -2.5 → -3), so a negative amount rounds as the mirror image of the positive one.
- ``apply_bp``: a rate applied to an amount, rounded as above.
- ``largest_remainder``: a total split by weights so the parts add up to the total
  exactly (Hamilton's method, as used for SHU per member, domain handbook §5.4).

The platform's money limits (docs/money.md) live here too, with the pydantic types
that carry them into every published contract and every API schema:

- ``MAX_AMOUNT_IDR`` (Rp 999.999.999.999): no single fact of a cooperative is
  Rp 10^12 or more: a deposit, a withdrawal, a loan's principal, a repayment, a price,
  a sale, a receipt's cost, a payout. The aggregates one fact may settle whole are
  held to the same limit by the domains, so settling them stays one fact: a savings
  balance, everything a loan can owe, the value of one product's stock in one
  warehouse.
- ``MAX_TOTAL_IDR`` (Rp 999.999.999.999.999): a total over many facts that one event
  reports (a year's SHU, the capital basis of every member, an exit refund of two
  accounts).

Both keep every stored row far inside PostgreSQL's bigint (about 9.2 * 10^18), but
not every *sum* of rows: anything that adds facts up over a cooperative, a region
or the federation is computed in ``numeric`` or Python ``int``, never cast back to
bigint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field

__all__ = [
    "BP_PER_UNIT",
    "MAX_AMOUNT_IDR",
    "MAX_TOTAL_IDR",
    "PositiveRupiah",
    "Rupiah",
    "SignedRupiah",
    "TotalRupiah",
    "apply_bp",
    "largest_remainder",
    "round_half_up_div",
    "within_amount",
]

BP_PER_UNIT = 10_000  # basis points in 100 %

MAX_AMOUNT_IDR = 10**12 - 1
MAX_TOTAL_IDR = 10**15 - 1

# The one money type, by sign. Contracts use them as they are (a consumer reads JSON
# integers); API request models add ``Strict()`` so that 1.0 or "1" is refused.
Rupiah = Annotated[int, Field(ge=0, le=MAX_AMOUNT_IDR)]
"""Zero or more rupiah, one fact's worth at most."""
PositiveRupiah = Annotated[int, Field(gt=0, le=MAX_AMOUNT_IDR)]
"""At least Rp 1, one fact's worth at most."""
SignedRupiah = Annotated[int, Field(ge=-MAX_AMOUNT_IDR, le=MAX_AMOUNT_IDR)]
"""A correction either way (e.g. a settlement variance), one fact's worth at most."""
TotalRupiah = Annotated[int, Field(ge=0, le=MAX_TOTAL_IDR)]
"""Zero or more rupiah: a total over many facts that one event reports."""


def within_amount(amount_idr: int) -> bool:
    """Whether ``amount_idr`` is at most one fact's worth (``|amount| <= MAX_AMOUNT_IDR``)."""
    return -MAX_AMOUNT_IDR <= amount_idr <= MAX_AMOUNT_IDR


def round_half_up_div(n: int, d: int) -> int:
    """``n / d`` rounded to the nearest integer, halves away from zero.

    Raises ``ZeroDivisionError`` when ``d`` is 0, like ``//``.
    """
    if d == 0:
        raise ZeroDivisionError("round_half_up_div by zero")
    negative = (n < 0) != (d < 0)
    quotient, remainder = divmod(abs(n), abs(d))
    if 2 * remainder >= abs(d):
        quotient += 1
    return -quotient if negative else quotient


def apply_bp(amount: int, bp: int) -> int:
    """``amount * bp / 10000`` in whole rupiah, a half rounded away from zero.

    ``apply_bp(150, 50)`` is 0.75 → 1; ``apply_bp(100, 50)`` is 0.5 → 1;
    ``apply_bp(10_000, 1)`` is exactly 1.
    """
    return round_half_up_div(amount * bp, BP_PER_UNIT)


def largest_remainder(
    total: int, weights: Sequence[int], tie_break: Sequence[Any] | None = None
) -> list[int]:
    """Split ``total`` in proportion to ``weights``; the parts add up to ``total`` exactly.

    Hamilton's method: each part first gets ``floor(total * w / Σw)``; the rupiah left
    over go one at a time to the parts with the largest fractional remainders. Equal
    remainders are ordered by ``tie_break`` (ascending, e.g. member numbers; its values
    must be comparable with each other), then by position. So 100 over ``[1, 1, 1]``
    is ``[34, 33, 33]``. Every part lies within 1 rupiah of its exact share, and a part
    with weight 0 gets nothing.

    Raises ``ValueError`` for a negative total or weight, for a ``tie_break`` of another
    length than ``weights``, and for a positive total with no positive weight (there is
    nobody to give it to).
    """
    if total < 0:
        raise ValueError(f"cannot split a negative total ({total})")
    if any(weight < 0 for weight in weights):
        raise ValueError("weights must not be negative")
    if tie_break is not None and len(tie_break) != len(weights):
        raise ValueError("tie_break must have one entry per weight")
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total != 0:
            raise ValueError(f"cannot split {total} when every weight is 0")
        return [0] * len(weights)
    shares = [divmod(total * weight, weight_sum) for weight in weights]
    parts = [floor for floor, _ in shares]
    left_over = total - sum(parts)  # < number of parts with a non-zero remainder
    keys = tie_break if tie_break is not None else [0] * len(weights)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-shares[i][1], keys[i], i))
    for i in by_remainder[:left_over]:
        parts[i] += 1
    return parts
