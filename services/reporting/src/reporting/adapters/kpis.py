"""The months published for the lenders: their streams, outbox rows and query table.

Each ``MonthlyKpisPublished`` is appended to ``monthly-kpis-<cooperative>-<month>`` at
version ``revision - 1`` (so two publications racing for the same revision conflict,
and one is refused), with its published contract (``MonthlyKpisPublishedV1``) in the
outbox; the ``monthly_kpis`` row is the last revision, compared by the next publication.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gotong_platform.contracts.reporting import MonthlyKpisPublishedV1
from gotong_platform.db import DbConnection
from gotong_platform.domain import event_payload
from gotong_platform.eventstore import PostgresEventStore, StreamAppend
from gotong_platform.provenance import Provenance, new_event
from reporting.domain.reports.kpis import KpiFigures, MonthlyKpisPublished, stream_id

__all__ = ["PostgresMonthlyKpis", "kpis_contract"]


def kpis_contract(event: MonthlyKpisPublished) -> dict[str, Any]:
    """The published data of ``event``."""
    f = event.figures
    data: dict[str, Any] = MonthlyKpisPublishedV1(
        cooperative_id=event.cooperative_id, month=event.month, revision=event.revision,
        month_end=event.month_end, known_at=event.known_at, omzet_idr=f.omzet_idr,
        savings_balance_idr=f.savings_balance_idr,
        loans_outstanding_idr=f.loans_outstanding_idr, par30_idr=f.par30_idr,
        par30_bp=event.par30_bp, active_members=f.active_members,
        last_recorded_at=event.last_recorded_at, last_business_date=event.last_business_date,
        last_activity_date=event.last_activity_date, stale=event.stale, idle=event.idle,
    ).model_dump(mode="json")
    return data


class PostgresMonthlyKpis:
    """The ``MonthlyKpisRepository`` port."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def last(self, conn: DbConnection, month: str
                   ) -> dict[str, tuple[int, KpiFigures]]:
        rows = await conn.fetch(
            """SELECT cooperative_id, revision, omzet_idr, savings_balance_idr,
                      loans_outstanding_idr, par30_idr, active_members
               FROM monthly_kpis WHERE month = $1""", month)
        return {r["cooperative_id"]: (r["revision"], KpiFigures(
            omzet_idr=r["omzet_idr"], savings_balance_idr=r["savings_balance_idr"],
            loans_outstanding_idr=r["loans_outstanding_idr"], par30_idr=r["par30_idr"],
            active_members=r["active_members"])) for r in rows}

    async def save(self, conn: DbConnection, events: Sequence[MonthlyKpisPublished],
                   provenance: Provenance) -> None:
        now = self.store.clock.now()
        await self.store.write_streams(conn, [StreamAppend(
            stream_id(e.cooperative_id, e.month), e.revision - 1,
            [new_event(e, event_payload(e), kpis_contract(e), cooperative_id=e.cooperative_id,
                       business_date=e.month_end, provenance=provenance, now=now)])
            for e in events])
        await conn.executemany(
            """INSERT INTO monthly_kpis (cooperative_id, month, revision, omzet_idr,
                   savings_balance_idr, loans_outstanding_idr, par30_idr, active_members,
                   known_at, published_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (cooperative_id, month) DO UPDATE SET
                   revision = EXCLUDED.revision, omzet_idr = EXCLUDED.omzet_idr,
                   savings_balance_idr = EXCLUDED.savings_balance_idr,
                   loans_outstanding_idr = EXCLUDED.loans_outstanding_idr,
                   par30_idr = EXCLUDED.par30_idr, active_members = EXCLUDED.active_members,
                   known_at = EXCLUDED.known_at, published_by = EXCLUDED.published_by""",
            [(e.cooperative_id, e.month, e.revision, e.figures.omzet_idr,
              e.figures.savings_balance_idr, e.figures.loans_outstanding_idr,
              e.figures.par30_idr, e.figures.active_members, e.known_at,
              provenance.meta.actor) for e in events])
