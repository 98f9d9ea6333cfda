"""What the use cases need from storage and the outside, as small Protocols.

The adapters implement them (``reporting.adapters``), ``reporting.main`` wires them
in, and a unit test can hand a use case an in-memory fake instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any, Protocol

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.kpis import KpiFigures, MonthlyKpisPublished
from reporting.domain.reports.query import FigureSet, Query
from reporting.domain.reports.unavailable import Unavailables
from reporting.domain.shu import (
    CalculationEvent,
    CooperativeProfile,
    FiscalPeriod,
    ShuCalculation,
    ShuFacts,
    ShuPolicy,
    ShuPolicyAdopted,
)

__all__ = [
    "MonthlyKpisRepository",
    "ReadModel",
    "ReadModelVersions",
    "Replay",
    "Replays",
    "ReportReader",
    "ShuReadModel",
    "ShuRepository",
    "VersionReaders",
]


# --- the read model, as the reports read it ------------------------------------------

class ReportReader(Protocol):
    """One read-model version in one consistent state (a report's many queries)."""

    async def cooperatives(self, *, region: str | None = None,
                           cooperative_id: str | None = None) -> list[CoopInfo]:
        """Every cooperative known, or those of a region (code prefix), or one."""
        ...

    async def months_with_data(self) -> list[str]:
        """Every month (YYYY-MM) in which some fact has its business date."""
        ...

    async def figure_sets(self, sets: Sequence[FigureSet]
                          ) -> list[tuple[dict[str, CoopFigures], Unavailables]]:
        """Each set's figures of its cooperatives, read together (one pass), and the
        cooperatives it could not compute (named by the set's step)."""
        ...

    async def late_uploads(self, q: Query, month_end_at: Mapping[str, datetime],
                           unavailable: Unavailables) -> list[dict[str, Any]]:
        """Facts of the period recorded after the month ended for their cooperative."""
        ...

    async def in_federation(self, ids: Iterable[str], as_of: date, known_at: datetime
                            ) -> set[str]:
        """Those of ``ids`` in the federation at ``as_of``, as known at ``known_at``."""
        ...

    async def federation_summary(self) -> dict[str, Any]: ...

    async def member(self, member_id: str) -> dict[str, Any] | None:
        """A member as the read model knows her: cooperative_id, status, member_no."""
        ...

    async def region_summary(self, region: str) -> dict[str, Any]: ...

    async def cooperative_summary(self, cooperative_id: str) -> dict[str, Any] | None: ...


class ReadModel(Protocol):
    """The live read-model version (the API's reads)."""

    def reader(self) -> AbstractAsyncContextManager[ReportReader]: ...


class VersionReaders(Protocol):
    """Any read-model version by its name (a rebuild compares the new and the live)."""

    def reading(self, schema: str) -> AbstractAsyncContextManager[ReportReader]: ...


# --- rebuilding the read model ---------------------------------------------------------

class ReadModelVersions(Protocol):
    async def create(self) -> str:
        """A new, empty version (not live); its schema name."""
        ...

    async def live(self) -> str | None: ...

    async def switch(self, schema: str) -> None:
        """Make ``schema`` the live version."""
        ...


class Replay(Protocol):
    """One replay of every topic from offset 0 into one version."""

    async def start(self) -> int:
        """Begin; the backlog (events up to the topics' end offsets now)."""
        ...

    async def here(self) -> int:
        """Consume the backlog in this process; the events consumed."""
        ...

    async def in_processes(self, n: int) -> int:
        """Consume the backlog with ``n`` processes; the events consumed."""
        ...

    async def complete(self) -> None:
        """Finish the version after the backlog: what the replay left for its end."""
        ...


class Replays(Protocol):
    def into(self, schema: str) -> AbstractAsyncContextManager[Replay]: ...


# --- the SHU engine ------------------------------------------------------------------------

class ShuReadModel(Protocol):
    """What the SHU use cases need from the read model."""

    async def cooperative(self, cooperative_id: str) -> CooperativeProfile | None:
        """The cooperative's profile; None when the read model does not know it."""
        ...

    async def shu_facts(self, cooperative_id: str, period: FiscalPeriod, policy: ShuPolicy
                        ) -> ShuFacts:
        """Every member's facts of ``period`` (the policy's simpanan types), and the totals."""
        ...


class ShuRepository(Protocol):
    """The SHU streams (a cooperative's policies, each calculation) and their tables,
    written in the command's transaction (``conn``)."""

    async def load_policies(self, conn: DbConnection, cooperative_id: str
                            ) -> list[ShuPolicy]: ...

    async def save_policy(self, conn: DbConnection, versions_so_far: int,
                          events: Sequence[ShuPolicyAdopted], provenance: Provenance
                          ) -> None: ...

    async def load_calculation(self, conn: DbConnection, calc_id: str
                               ) -> tuple[ShuCalculation | None, int]:
        """The calculation and its stream version ((None, 0) when there is none)."""
        ...

    async def approved_in_year(self, conn: DbConnection, cooperative_id: str,
                               fiscal_year: int) -> str | None:
        """The calculation of the fiscal year approved at the RAT, if any."""
        ...

    async def save_calculation(self, conn: DbConnection, before: ShuCalculation | None,
                               version: int, events: Sequence[CalculationEvent],
                               provenance: Provenance) -> ShuCalculation:
        """Append ``events`` after stream ``version``; the state after them."""
        ...


# --- the months published for the lenders ----------------------------------------

class MonthlyKpisRepository(Protocol):
    """The ``monthly-kpis-<cooperative>-<month>`` streams and their query table."""

    async def last(self, conn: DbConnection, month: str
                   ) -> dict[str, tuple[int, KpiFigures]]:
        """Each cooperative's last published revision of ``month``, with its figures."""
        ...

    async def save(self, conn: DbConnection, events: Sequence[MonthlyKpisPublished],
                   provenance: Provenance) -> None:
        """Append each event as its stream's next version (revision n after n - 1; a
        concurrent publication of the same revision is a ``ConcurrencyConflict``) and
        refresh the query table, in the caller's transaction."""
        ...
