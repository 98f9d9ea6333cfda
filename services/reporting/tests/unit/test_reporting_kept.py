"""The API's kept figures: copies in and out, the stamp decides, and a bound."""

from __future__ import annotations

from datetime import date

import pytest

from reporting.adapters.reports.kept import KeptFigures, KeptKey
from reporting.domain.reports.figures import CoopFigures

pytestmark = pytest.mark.unit


def key(coop: str = "coop-a") -> KeptKey:
    return KeptKey("rm_1", coop, date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 31), 0)


def figures() -> CoopFigures:
    f = CoopFigures()
    f.add("sales.gross_idr", 5_000)
    f.transfers["coop-b"] = [1, 2]
    f.sales_to["coop-b"] = {"sales.gross_idr": 3}
    f.low_stock.append({"product_id": "rice", "on_hand": 0})
    return f


def test_what_is_kept_is_a_copy_and_what_is_taken_is_another() -> None:
    kept = KeptFigures()
    f = figures()
    kept.keep(key(), (3, 7), f)
    f.amounts["sales.gross_idr"] = 0
    f.transfers["coop-b"][0] = 99
    taken = kept.take(key(), (3, 7))
    assert taken is not None
    assert (taken.amounts["sales.gross_idr"], taken.transfers["coop-b"]) == (5_000, [1, 2])
    taken.sales_to["coop-b"]["sales.gross_idr"] = 0
    taken.low_stock[0]["on_hand"] = 9
    again = kept.take(key(), (3, 7))
    assert again is not None
    assert again.sales_to["coop-b"]["sales.gross_idr"] == 3
    assert again.low_stock[0]["on_hand"] == 0
    # lent, for a reader that only reads: the same kept object each time, equal to a copy
    lent = kept.take(key(), (3, 7), copy=False)
    assert lent is not None
    assert lent is kept.take(key(), (3, 7), copy=False)
    assert lent is not again
    assert lent == again
    assert kept.take(key(), (4, 7), copy=False) is None


def test_only_the_same_stamp_takes_them() -> None:
    kept = KeptFigures()
    kept.keep(key(), (3, 7), figures())
    assert kept.take(key(), (4, 7)) is None  # a fact more
    assert kept.take(key(), (3, 8)) is None  # the rows written again
    assert kept.take(key("coop-b"), (3, 7)) is None
    assert kept.take(key(), (3, 7)) is not None


def test_the_oldest_go_first_beyond_the_bound() -> None:
    kept = KeptFigures(max_kept=2)
    for coop in ("a", "b", "c"):
        kept.keep(key(coop), (1, 1), figures())
    assert len(kept) == 2
    assert kept.take(key("a"), (1, 1)) is None
    assert kept.take(key("c"), (1, 1)) is not None
