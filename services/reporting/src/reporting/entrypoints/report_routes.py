"""Monthly report routes: a cooperative, a region, the federation; JSON or CSV.

``month`` is required; ``as_of`` (a day of that month) and ``known_at`` (a moment
with its time zone) are optional cut-offs. Without ``as_of`` a running month is cut off
at today: the cooperative's own for its report, WIT's (the easternmost zone, so no fact
of today anywhere is left out) for a region or the federation. ``period.as_of_basis``
says which cut-off the report used. Every table of a report is also served as CSV:
``.../monthly.csv?table=<name>``, or ``Accept: text/csv`` on the JSON route.
Tenancy is the summaries': the federation admin reads all, a regional officer its
region (404 for another), a cooperative itself (the cooperative router's scope).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from gotong_platform.calendar import Clock, TimeZone, today_in
from gotong_platform.http import HTTPProblem, PrincipalDep, cooperative_scope
from gotong_platform.http.fast_json import FastJSONResponse
from reporting.application.monthly import cooperative_month, federation_month, region_month
from reporting.domain.reports.period import InvalidPeriod, Period
from reporting.entrypoints.access import RegionCode, only_its_region, only_the_federation_office
from reporting.entrypoints.deps import ClockDep, CoopScope, Model, Options
from reporting.entrypoints.report_examples import CSV_RESPONSES, MONTHLY_RESPONSES
from reporting.entrypoints.report_tables import TableName, table_csv

__all__ = ["PeriodQuery", "router"]

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
JSON_ROUTE: dict[str, Any] = {"responses": MONTHLY_RESPONSES,
                              "response_class": FastJSONResponse,
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


async def _period(clock: ClockDep, month: Month, as_of: AsOf = None,
                  known_at: KnownAt = None) -> PeriodQuery:
    query = PeriodQuery(month, as_of, known_at, clock)
    query.resolve(None)  # refuse an impossible period before anything is read
    return query


PeriodDep = Annotated[PeriodQuery, Depends(_period)]

router = APIRouter(tags=["reports"])
scoped = APIRouter(prefix="/cooperatives/{cooperative_id}",
                   dependencies=[Depends(cooperative_scope)])


def _csv(report: dict[str, Any], table: str, name: str) -> Response:
    filename = f"{name}-{report['period']['month']}-{table}.csv"
    return Response(table_csv(report, table), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _answer(request: Request, report: dict[str, Any], table: str, name: str) -> Response:
    if "text/csv" in request.headers.get("accept", ""):
        return _csv(report, table, name)
    return FastJSONResponse(report)


async def _federation(model: Model, period: PeriodQuery, options: Options) -> dict[str, Any]:
    async with model.reader() as reader:
        return await federation_month(reader, period.resolve, options)


async def _region(model: Model, period: PeriodQuery, code: str, options: Options
                  ) -> dict[str, Any]:
    async with model.reader() as reader:
        return await region_month(reader, period.resolve, code, options)


async def _cooperative(model: Model, period: PeriodQuery, cooperative_id: str,
                       options: Options) -> dict[str, Any]:
    async with model.reader() as reader:
        return await cooperative_month(reader, period.resolve, cooperative_id, options)


@router.get("/federation/reports/monthly", **JSON_ROUTE)
async def federation_monthly(request: Request, principal: PrincipalDep, model: Model,
                             period: PeriodDep, options: Options,
                             table: CsvTable = "cooperatives") -> Response:
    """The federation's month: cooperatives in the federation at the period end."""
    only_the_federation_office(principal)
    return _answer(request, await _federation(model, period, options), table, "federation")


@router.get("/federation/reports/monthly.csv", **CSV_ROUTE)
async def federation_monthly_csv(principal: PrincipalDep, model: Model, period: PeriodDep,
                                 options: Options, table: Table) -> Response:
    """One table of the federation's monthly report, as CSV."""
    only_the_federation_office(principal)
    return _csv(await _federation(model, period, options), table, "federation")


@router.get("/regions/{region_code}/reports/monthly", **JSON_ROUTE)
async def region_monthly(request: Request, region_code: RegionCode, principal: PrincipalDep,
                         model: Model, period: PeriodDep, options: Options,
                         table: CsvTable = "cooperatives") -> Response:
    """A province (2 digits) or regency (4 digits): its cooperatives in the federation."""
    only_its_region(principal, region_code)
    report = await _region(model, period, region_code, options)
    return _answer(request, report, table, f"region-{region_code}")


@router.get("/regions/{region_code}/reports/monthly.csv", **CSV_ROUTE)
async def region_monthly_csv(region_code: RegionCode, principal: PrincipalDep, model: Model,
                             period: PeriodDep, options: Options, table: Table) -> Response:
    """One table of a region's monthly report, as CSV."""
    only_its_region(principal, region_code)
    return _csv(await _region(model, period, region_code, options), table,
                f"region-{region_code}")


@scoped.get("/reports/monthly", **JSON_ROUTE)
async def cooperative_monthly(request: Request, scope: CoopScope, model: Model,
                              period: PeriodDep, options: Options,
                              table: CsvTable = "cooperatives") -> Response:
    """One cooperative's month."""
    report = await _cooperative(model, period, scope.cooperative_id, options)
    return _answer(request, report, table, "cooperative")


@scoped.get("/reports/monthly.csv", **CSV_ROUTE)
async def cooperative_monthly_csv(scope: CoopScope, model: Model, period: PeriodDep,
                                  options: Options, table: Table) -> Response:
    """One table of a cooperative's monthly report, as CSV."""
    return _csv(await _cooperative(model, period, scope.cooperative_id, options), table,
                "cooperative")


router.include_router(scoped)
