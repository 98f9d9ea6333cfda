"""Monthly report routes: a cooperative, a region, the federation; JSON or CSV.

``month`` is required; ``as_of`` (a day of that month) and ``known_at`` (a moment
with its time zone) are optional cut-offs. Without ``as_of`` a running month is cut off
at today: the cooperative's own for its report, WIT's (the easternmost zone, so no fact
of today anywhere is left out) for a region or the federation.
``period.as_of_basis`` says which cut-off the report used. Every table of a report is also served
as CSV: ``.../monthly.csv?table=<name>``, or ``Accept: text/csv`` on the JSON route.
Tenancy is the summaries': the federation admin reads all, a regional officer its
region (404 for another), a cooperative itself (the cooperative router's scope).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from gotong_platform.auth import Principal, Role
from gotong_platform.calendar import Clock, TimeZone, today_in
from gotong_platform.http import HTTPProblem, PrincipalDep, Scope, cooperative_scope
from reporting.entrypoints.access import Model, RegionCode, may_read_region
from reporting.entrypoints.report_examples import CSV_RESPONSES, MONTHLY_RESPONSES
from reporting.reports.directory import cooperatives
from reporting.reports.figures import ReportOptions
from reporting.reports.monthly import (
    cooperative_report,
    federation_report,
    gather,
    region_report,
)
from reporting.reports.period import InvalidPeriod, Period
from reporting.reports.tables import TableName, table_csv

__all__ = ["PeriodQuery", "add_report_routes"]

# A region or the federation spans zones: its "today" is the latest one (WIT).
_EASTERNMOST = TimeZone.WIT

Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-01"],
                             description="the month of business dates, YYYY-MM")]
AsOf = Annotated[date | None, Query(examples=["2026-01-15"], description=(
    "business-date cut-off within the month (default: its last day, or today while the "
    "month runs; period.as_of_basis says which)"))]
KnownAt = Annotated[datetime | None, Query(examples=["2026-02-01T00:00:00+08:00"], description=(
    "recorded-time cut-off, with its time zone (default: now); encode '+' as %2B"))]
Table = Annotated[TableName, Query(description="the table of the report to send")]
CsvTable = Annotated[TableName, Query(description=(
    "with Accept: text/csv, the table to send (default: cooperatives)"))]
JSON_ROUTE: dict[str, Any] = {"responses": MONTHLY_RESPONSES, "response_class": JSONResponse,
                              "tags": ["monthly reports"]}
CSV_ROUTE: dict[str, Any] = {"responses": CSV_RESPONSES, "response_class": Response,
                             "tags": ["monthly reports"]}


@dataclasses.dataclass(frozen=True, slots=True)
class PeriodQuery:
    """The period a client asked for, resolved once the report's time zone is known."""

    month: str
    as_of: date | None
    known_at: datetime | None
    clock: Clock

    def resolve(self, time_zone: str | TimeZone | None) -> Period:
        try:
            return Period.of(self.month, self.as_of, self.known_at, now=self.clock.now(),
                             today=today_in(self.clock, time_zone))
        except InvalidPeriod as exc:
            raise HTTPProblem(422, "Invalid request", str(exc), "invalid-request",
                              errors=[{"loc": ["query"], "msg": str(exc),
                                       "type": "value_error"}]) from exc


async def _period(request: Request, month: Month, as_of: AsOf = None,
                  known_at: KnownAt = None) -> PeriodQuery:
    query = PeriodQuery(month, as_of, known_at, request.app.state.clock)
    query.resolve(None)  # refuse an impossible period before anything is read
    return query


PeriodDep = Annotated[PeriodQuery, Depends(_period)]
CoopScope = Annotated[Scope, Depends(cooperative_scope)]


def _csv(report: dict[str, Any], table: str, name: str) -> Response:
    filename = f"{name}-{report['period']['month']}-{table}.csv"
    return Response(table_csv(report, table), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _answer(request: Request, report: dict[str, Any], table: str, name: str) -> Response:
    if "text/csv" in request.headers.get("accept", ""):
        return _csv(report, table, name)
    return JSONResponse(report)


def _only_the_federation_office(principal: Principal) -> None:
    if principal.role is not Role.FEDERATION_ADMIN:
        raise HTTPProblem(403, "Forbidden", "the federation view is for the federation "
                          "office; use your region or cooperative", "forbidden")


def _only_its_region(principal: Principal, region: str) -> None:
    if not may_read_region(principal, region):
        raise HTTPProblem(404, "Not Found", "region not found", "region-not-found")


def add_report_routes(router: APIRouter, scoped: APIRouter, options: ReportOptions) -> None:
    """The monthly routes on ``router``, and the cooperative's on the ``scoped`` router
    (whose router-level dependency is the cooperative scope)."""

    async def federation(model: Model, period: PeriodQuery) -> dict[str, Any]:
        async with model.connection() as conn:
            data = await gather(conn, period.resolve(_EASTERNMOST), await cooperatives(conn),
                                options)
        return federation_report(data)

    async def region(model: Model, period: PeriodQuery, code: str) -> dict[str, Any]:
        async with model.connection() as conn:
            data = await gather(conn, period.resolve(_EASTERNMOST),
                                await cooperatives(conn, region=code), options)
        return region_report(data, code)

    async def cooperative(model: Model, period: PeriodQuery, cooperative_id: str
                          ) -> dict[str, Any]:
        async with model.connection() as conn:
            coops = await cooperatives(conn, cooperative_id=cooperative_id)
            zone = coops[0].time_zone if coops else None
            data = await gather(conn, period.resolve(zone), coops, options)
        return cooperative_report(data, cooperative_id)

    @router.get("/federation/reports/monthly", **JSON_ROUTE)
    async def federation_monthly(request: Request, principal: PrincipalDep, model: Model,
                                 period: PeriodDep, table: CsvTable = "cooperatives"
                                 ) -> Response:
        """The federation's month: cooperatives in the federation at the period end."""
        _only_the_federation_office(principal)
        return _answer(request, await federation(model, period), table, "federation")

    @router.get("/federation/reports/monthly.csv", **CSV_ROUTE)
    async def federation_monthly_csv(principal: PrincipalDep, model: Model, period: PeriodDep,
                                     table: Table) -> Response:
        """One table of the federation's monthly report, as CSV."""
        _only_the_federation_office(principal)
        return _csv(await federation(model, period), table, "federation")

    @router.get("/regions/{region_code}/reports/monthly", **JSON_ROUTE)
    async def region_monthly(request: Request, region_code: RegionCode,
                             principal: PrincipalDep, model: Model, period: PeriodDep,
                             table: CsvTable = "cooperatives") -> Response:
        """A province (2 digits) or regency (4 digits): its cooperatives in the federation."""
        _only_its_region(principal, region_code)
        report = await region(model, period, region_code)
        return _answer(request, report, table, f"region-{region_code}")

    @router.get("/regions/{region_code}/reports/monthly.csv", **CSV_ROUTE)
    async def region_monthly_csv(region_code: RegionCode, principal: PrincipalDep,
                                 model: Model, period: PeriodDep, table: Table) -> Response:
        """One table of a region's monthly report, as CSV."""
        _only_its_region(principal, region_code)
        return _csv(await region(model, period, region_code), table, f"region-{region_code}")

    @scoped.get("/reports/monthly", **JSON_ROUTE)
    async def cooperative_monthly(request: Request, scope: CoopScope, model: Model,
                                  period: PeriodDep, table: CsvTable = "cooperatives"
                                  ) -> Response:
        """One cooperative's month."""
        report = await cooperative(model, period, scope.cooperative_id)
        return _answer(request, report, table, "cooperative")

    @scoped.get("/reports/monthly.csv", **CSV_ROUTE)
    async def cooperative_monthly_csv(scope: CoopScope, model: Model, period: PeriodDep,
                                      table: Table) -> Response:
        """One table of a cooperative's monthly report, as CSV."""
        return _csv(await cooperative(model, period, scope.cooperative_id), table,
                    "cooperative")
