"""Random draws the generators share: days, moments of a day, weighted picks."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone

from gotong_devstack.demo import Applicant
from gotong_devstack.economy.inventory import Product


def admitted_on(a: Applicant) -> date:
    """The day an admitted applicant became a member."""
    if a.admitted_on is None:
        raise ValueError(f"{a.coop} applicant {a.seq} was not admitted")
    return a.admitted_on


def day_between(rng: random.Random, low: date, high: date) -> date:
    """A day from `low` to `high`, both included (`low` when `high` is earlier)."""
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


def weighted_distinct(rng: random.Random, items: dict[Product, int],
                      k: int) -> list[Product]:
    """Up to `k` different products, each drawn by its weight (`items`)."""
    pool = [p for p, weight in items.items() if weight > 0]
    chosen: list[Product] = []
    while pool and len(chosen) < k:
        pick = rng.choices(pool, weights=[items[p] for p in pool])[0]
        chosen.append(pick)
        pool.remove(pick)
    return chosen


def moments(days: Sequence[date], zone: timezone, start: time,
            step_minutes: int) -> list[datetime]:
    """When each fact of `days` (sorted) happened: from `start`, `step_minutes` apart."""
    earlier: Counter[date] = Counter()
    times = []
    for day in days:
        times.append(datetime.combine(day, start, zone)
                     + timedelta(minutes=step_minutes * earlier[day]))
        earlier[day] += 1
    return times
