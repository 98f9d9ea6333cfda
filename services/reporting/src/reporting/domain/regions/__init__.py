"""Names of Indonesia's provinces, regencies and cities by their Kemendagri code.

The table (``kemendagri.csv``, ODbL; its source and licence in this folder's README) is
package data, read once on first use. Reports carry the names beside the codes, so every
reader (the dashboard, a CSV in a spreadsheet) shows "Kabupaten Sumba Timur", not 5311.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

__all__ = ["region_name", "regions"]

_TABLE = "kemendagri.csv"


@cache
def regions() -> dict[str, str]:
    """Code -> official name: 2-digit provinces, 4-digit regencies and cities."""
    text = resources.files(__package__).joinpath(_TABLE).read_text("utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))}


def region_name(code: str | None) -> str | None:
    """The region's name; a code the table does not hold stands for itself (None: None)."""
    if code is None:
        return None
    return regions().get(code, code)
