"""The member table of a calculation as CSV (what the RAT and the treasurer print)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from reporting.shu.adapters.views import ALLOCATION_COLUMNS

__all__ = ["allocations_csv"]


def allocations_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Header, then one line per member; amounts as plain integers of rupiah."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ALLOCATION_COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in ALLOCATION_COLUMNS])
    return out.getvalue()
