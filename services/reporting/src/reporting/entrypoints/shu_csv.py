"""The member table of a calculation as CSV (what the RAT and the treasurer print).

Cells go through ``gotong_platform.csv_cells``: no text opens as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gotong_platform.csv_cells import write_csv
from reporting.adapters.shu.queries import ALLOCATION_COLUMNS

__all__ = ["allocations_csv"]


def allocations_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Header, then one line per member; amounts as plain integers of rupiah."""
    return write_csv(ALLOCATION_COLUMNS, ([row[c] for c in ALLOCATION_COLUMNS] for row in rows),
                     lineterminator="\n")
