"""Publishing a finished month's key figures for the lenders (``MonthlyKpisPublished``).

The federation office publishes month M (``POST /federation/monthly-kpis``) once it has
ended everywhere. Every cooperative in the federation at its end is computed as its own
monthly report computes it, in one pass of the live read model (as known now: late
uploads count), and compared with its last published revision: the same figures publish
nothing, other figures publish the next revision. The events go through reporting's
event store and outbox (its relay publishes them on ``gotong.reporting.events``), in the
command's transaction with the query table they are compared with next time.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from gotong_platform.calendar import Clock
from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from reporting.application.ports import MonthlyKpisRepository, ReadModel
from reporting.domain.reports.figures import ReportOptions
from reporting.domain.reports.kpis import (
    MonthlyKpisPublished,
    monthly_kpis,
    next_revision,
    publishable_period,
    within_bounds,
)
from reporting.domain.reports.query import FigureSet, Query

__all__ = ["KpiPublisher", "PublishedMonth"]


@dataclass(frozen=True, slots=True)
class PublishedMonth:
    """What a publication did, per cooperative: a new revision, none (the same figures
    stand: the revision already published), or left out (``unavailable``: its figures
    could not be computed, or lie beyond the contract's bounds)."""

    month: str
    known_at: datetime
    published: list[tuple[str, int]]
    unchanged: list[tuple[str, int]]
    unavailable: list[tuple[str, str]]


@dataclass(frozen=True)
class KpiPublisher:
    read_model: ReadModel
    repo: MonthlyKpisRepository
    clock: Clock
    options: ReportOptions

    async def publish_month(self, conn: DbConnection, month: str, provenance: Provenance
                            ) -> PublishedMonth:
        period = publishable_period(month, self.clock.now())
        async with self.read_model.reader() as reader:
            coops = await reader.cooperatives()
            members = await reader.in_federation(
                [c.cooperative_id for c in coops], period.end, period.known_at)
            coops = [c for c in coops if c.cooperative_id in members]
            ((figures, failed),) = await reader.figure_sets([FigureSet(
                Query.uniform(period, [c.cooperative_id for c in coops], self.options),
                f"figures of {month}")])
        last = await self.repo.last(conn, month)
        new: list[MonthlyKpisPublished] = []
        unchanged: list[tuple[str, int]] = []
        unavailable = [(i, "figures-not-computable") for i in sorted(failed)]
        for info in sorted(coops, key=lambda c: c.cooperative_id):
            if info.cooperative_id in failed:
                continue
            event = monthly_kpis(info, figures[info.cooperative_id], period, self.options,
                                 revision=1)
            if not within_bounds(event.figures):
                unavailable.append((info.cooperative_id, "figures-out-of-bounds"))
                continue
            before = last.get(info.cooperative_id)
            revision = next_revision(before, event.figures)
            if revision is None:
                assert before is not None
                unchanged.append((info.cooperative_id, before[0]))
            else:
                new.append(dataclasses.replace(event, revision=revision))
        if new:
            await self.repo.save(conn, new, provenance)
        return PublishedMonth(
            month=period.month, known_at=period.known_at,
            published=[(e.cooperative_id, e.revision) for e in new], unchanged=unchanged,
            unavailable=unavailable)
