"""Ratios, spreads, rankings and growth in integer basis points (10000 bp = 100 %).

Every quotient is ``round_half_up_div`` (halves away from zero, never a float).

- A ratio keeps its numerator and denominator, so a group's ratio is recomputed
  from summed parts (never an average of ratios); ``bp`` is None when the
  denominator is not positive.
- Quartiles: linear interpolation between closest ranks (Hyndman and Fan type 7,
  the NumPy and spreadsheet default) over the sorted bp values: for quartile k of n
  values, h = (n - 1) * k / 4 and q = x[floor h] + (h - floor h) * (x[floor h + 1] -
  x[floor h]), rounded half up to a whole bp. The median is quartile 2.
- Ranking: best first, standard competition ranking (ties share a rank, the next
  rank skips: 1, 2, 2, 4); equal values are listed by cooperative id.
- Growth: (current - previous) * 10000 / previous; None when previous is not positive.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from gotong_platform.money import BP_PER_UNIT, round_half_up_div

__all__ = ["Ratio", "bp_of", "growth_bp", "quartile", "ranking", "spread"]


@dataclasses.dataclass(frozen=True, slots=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def bp(self) -> int | None:
        return bp_of(self.numerator, self.denominator)

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    def as_dict(self) -> dict[str, int | None]:
        return {"numerator": self.numerator, "denominator": self.denominator, "bp": self.bp}


def bp_of(numerator: int, denominator: int) -> int | None:
    """``numerator / denominator`` in bp; None when the denominator is not positive."""
    if denominator <= 0:
        return None
    return round_half_up_div(numerator * BP_PER_UNIT, denominator)


def growth_bp(current: int, previous: int) -> int | None:
    if previous <= 0:
        return None
    return round_half_up_div((current - previous) * BP_PER_UNIT, previous)


def quartile(values: Sequence[int], k: int) -> int:
    """Quartile ``k`` (0 = min, 2 = median, 4 = max) of ``values`` (type 7, see above)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= k <= 4:
        raise ValueError("k must be 0..4")
    xs = sorted(values)
    steps = (len(xs) - 1) * k  # h = steps / 4
    low, frac = divmod(steps, 4)
    if frac == 0:
        return xs[low]
    return xs[low] + round_half_up_div((xs[low + 1] - xs[low]) * frac, 4)


def spread(values: Sequence[int]) -> dict[str, int | None]:
    """n, min, p25, median, p75, max of per-cooperative bp values."""
    if not values:
        return {"n": 0, "min": None, "p25": None, "median": None, "p75": None, "max": None}
    names = ("min", "p25", "median", "p75", "max")
    result: dict[str, int | None] = {"n": len(values)}
    return result | {name: quartile(values, k) for k, name in enumerate(names)}


def ranking(entries: Sequence[tuple[str, int]], *, higher_is_better: bool
            ) -> list[dict[str, Any]]:
    """``(cooperative_id, bp)`` pairs, ranked best first."""
    sign = -1 if higher_is_better else 1
    ordered = sorted(entries, key=lambda e: (sign * e[1], e[0]))
    ranked: list[dict[str, Any]] = []
    for position, (cooperative_id, value) in enumerate(ordered, start=1):
        tied = ranked and ranked[-1]["bp"] == value
        rank = ranked[-1]["rank"] if tied else position
        ranked.append({"rank": rank, "cooperative_id": cooperative_id, "bp": value})
    return ranked
