"""The monthly report use cases against an in-memory ``ReportReader``: no database.

They choose the time zone a report's period is cut off in (a group's is WIT, a
cooperative's its own), gather each cooperative's figures once, and leave a
cooperative whose figures cannot be computed out of every total, naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from gotong_platform.calendar import TimeZone
from reporting.application.monthly import cooperative_month, federation_month, region_month
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import DEFAULT_OPTIONS, CoopFigures
from reporting.domain.reports.period import Period
from reporting.domain.reports.query import FigureSet, Query
from reporting.domain.reports.unavailable import Unavailable, Unavailables

pytestmark = pytest.mark.unit

NOW = datetime(2026, 2, 3, 1, 0, tzinfo=UTC)
SUMBA = CoopInfo("cooperative-sumba", "Koperasi Sumba", "consumer", "53", "5311", "WITA")
AMBON = CoopInfo("cooperative-ambon", "Koperasi Ambon", "marketing", "81", "8171", "WIT")
SALES = {SUMBA.cooperative_id: 7_000_000, AMBON.cooperative_id: 5_000_000}


class InMemoryReader:
    """The ``ReportReader`` port over two cooperatives and their shop sales."""

    def __init__(self, *, failing: str | None = None) -> None:
        self.failing = failing  # a cooperative whose figures cannot be computed

    async def cooperatives(self, *, region: str | None = None,
                           cooperative_id: str | None = None) -> list[CoopInfo]:
        return [c for c in (SUMBA, AMBON)
                if (region is None or (c.regency_code or "").startswith(region))
                and cooperative_id in (None, c.cooperative_id)]

    async def months_with_data(self) -> list[str]:
        return ["2026-01"]

    async def figure_sets(self, sets: Sequence[FigureSet]
                          ) -> list[tuple[dict[str, CoopFigures], Unavailables]]:
        out = []
        for s in sets:
            failed: Unavailables = {}
            out.append((self._figures(s.query, s.step, failed), failed))
        return out

    def _figures(self, q: Query, step: str, unavailable: Unavailables
                 ) -> dict[str, CoopFigures]:
        figs = {}
        for cooperative_id in sorted(q.known_at):
            if cooperative_id == self.failing:
                unavailable[cooperative_id] = Unavailable(cooperative_id, step, "DataError",
                                                          "0af7651916cd43dd8448eb211c80319c")
                continue
            f = CoopFigures()
            f.add("sales.gross_idr", SALES[cooperative_id])
            f.add("sales.retail_idr", SALES[cooperative_id])
            f.derive()
            figs[cooperative_id] = f
        return figs

    async def late_uploads(self, q: Query, month_end_at: Mapping[str, datetime],
                           unavailable: Unavailables) -> list[dict[str, Any]]:
        return []

    async def in_federation(self, ids: Iterable[str], as_of: date, known_at: datetime
                            ) -> set[str]:
        return set(ids)

    async def federation_summary(self) -> dict[str, Any]:
        raise AssertionError("not a summary")

    async def region_summary(self, region: str) -> dict[str, Any]:
        raise AssertionError("not a summary")

    async def cooperative_summary(self, cooperative_id: str) -> dict[str, Any] | None:
        raise AssertionError("not a summary")


class January:
    """The period a client asked for (January 2026), and the zones it was resolved in."""

    def __init__(self) -> None:
        self.zones: list[str | TimeZone | None] = []

    def __call__(self, time_zone: str | TimeZone | None) -> Period:
        self.zones.append(time_zone)
        return Period.of("2026-01", now=NOW)


async def test_the_federations_month_is_cut_off_in_wit_and_sums_its_cooperatives() -> None:
    period = January()

    report = await federation_month(InMemoryReader(), period, DEFAULT_OPTIONS)

    assert period.zones == [TimeZone.WIT]
    assert report["scope"] == {"kind": "federation", "cooperatives": 2}
    assert report["business"]["shop_omzet"]["net_idr"] == 12_000_000
    assert report["unavailable"] == []


async def test_a_regions_month_holds_only_the_cooperatives_of_the_region() -> None:
    period = January()

    report = await region_month(InMemoryReader(), period, "53", DEFAULT_OPTIONS)

    assert period.zones == [TimeZone.WIT]
    assert [row["cooperative_id"] for row in report["cooperatives"]] == [SUMBA.cooperative_id]
    assert report["business"]["shop_omzet"]["net_idr"] == 7_000_000


async def test_a_cooperatives_month_is_cut_off_in_its_own_time_zone() -> None:
    period = January()

    report = await cooperative_month(InMemoryReader(), period, AMBON.cooperative_id,
                                     DEFAULT_OPTIONS)

    assert period.zones == ["WIT"]
    assert report["scope"]["cooperative_id"] == AMBON.cooperative_id
    assert report["business"]["shop_omzet"]["net_idr"] == 5_000_000


async def test_a_cooperative_whose_figures_fail_is_left_out_and_named() -> None:
    reader = InMemoryReader(failing=AMBON.cooperative_id)

    report = await federation_month(reader, January(), DEFAULT_OPTIONS)

    assert report["scope"]["cooperatives"] == 1
    assert report["business"]["shop_omzet"]["net_idr"] == 7_000_000
    assert report["unavailable"] == [{
        "cooperative_id": AMBON.cooperative_id, "name": "Koperasi Ambon",
        "regency_code": "8171", "reason": "figures-not-computable",
        "step": "figures of 2026-01", "error": "DataError",
        "trace_id": "0af7651916cd43dd8448eb211c80319c"}]
