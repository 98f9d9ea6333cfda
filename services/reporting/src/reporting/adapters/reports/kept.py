"""A cooperative's figures, kept in the API process while they hold.

A federation report needs every cooperative's figures of the month, of the month
before (both as known now) and of the month as known at its end. At 100 cooperatives
computing the known-now ones from the maintained tables was about two fifths of the
request (the ledger sums, the stored figures that are not sums, the low-stock list);
at 1,000, reading and decoding the stored rows of the month as known at its end was
another tenth. Most cooperatives record nothing between two requests, so each
cooperative's finished figures are kept here with a stamp of the facts they depend on:
the count of them (``changes``: every fact effective in the month or before, and for
a past moment recorded by that moment's month; the count that keeps a stored row
valid, ``stored``), and the newest row version among the cooperative's ``changes``
rows, which moves whenever they are written again (``derive`` rewrites a cooperative's
maintained rows from its facts). A later request reads the stamps (one statement for
all its cooperatives and figure sets) and uses the kept figures of each cooperative
whose stamp has not moved; the others are read or computed as before.

The stamp and the figures are read in one snapshot, and every fact that can change a
figure moves the stamp, so a kept answer is never stale. Keys name the read-model
version (a rebuild's version starts empty), the low-stock threshold and the moment
(None: known now). Figures are copied in, and out for a set a report adds clocks to
(the month itself): nothing a report does changes what is kept. The other sets (the
month before, the month as known at its end) are only read and are lent as they are.
At most ``MAX_KEPT`` entries (the oldest go first).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from reporting.domain.reports.figures import CoopFigures

__all__ = ["KeptFigures", "KeptKey", "Stamp"]

# (facts counted, newest transaction id among the cooperative's ``changes`` rows)
Stamp = tuple[int, int]

# a month, the month before and the month as known at its end for ~6,600 cooperatives
MAX_KEPT = 20_000


class KeptKey(NamedTuple):
    """What figures are kept under. A tuple: a federation request makes two a
    cooperative, and a frozen dataclass cost more to construct than the lookup."""

    schema: str  # the read-model version
    cooperative_id: str
    month: date
    as_of: date
    end: date
    low_stock_threshold: int
    known_at: datetime | None = None  # None: every fact known


class KeptFigures:
    """Known-now figures by ``KeptKey``, each with the count of facts it was made from."""

    def __init__(self, max_kept: int = MAX_KEPT) -> None:
        self._max = max_kept
        self._kept: dict[KeptKey, tuple[Stamp, CoopFigures]] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()

    def take(self, key: KeptKey, seen: Stamp, *, copy: bool = True) -> CoopFigures | None:
        """A copy of the kept figures if they were made at stamp ``seen``, else None.
        ``copy=False``: the kept figures themselves, for a caller that only reads them."""
        found = self._kept.get(key)
        if found is None or found[0] != seen:
            return None
        return found[1].copy() if copy else found[1]

    def keep(self, key: KeptKey, seen: Stamp, figures: CoopFigures) -> None:
        self._kept.pop(key, None)
        while len(self._kept) >= self._max:
            self._kept.pop(next(iter(self._kept)))
        self._kept[key] = (seen, figures.copy())
