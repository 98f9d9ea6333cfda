"""What the routes take from the app the composition root built (``app.state``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gotong_platform.calendar import Clock
from gotong_platform.http import Scope, cooperative_scope
from reporting.adapters.shu.queries import ShuQueries
from reporting.application.ports import ReadModel
from reporting.application.shu import ShuService
from reporting.domain.reports.figures import ReportOptions

__all__ = ["ClockDep", "CoopScope", "Model", "Options", "Shu", "ShuContext"]


@dataclass(frozen=True)
class ShuContext:
    """The SHU engine: its use cases, and the reads its routes answer with."""

    service: ShuService
    queries: ShuQueries


async def _model(request: Request) -> ReadModel:
    model: ReadModel = request.app.state.read_model
    return model


async def _options(request: Request) -> ReportOptions:
    options: ReportOptions = request.app.state.report_options
    return options


async def _shu(request: Request) -> ShuContext:
    shu: ShuContext = request.app.state.shu
    return shu


async def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


Model = Annotated[ReadModel, Depends(_model)]
Options = Annotated[ReportOptions, Depends(_options)]
Shu = Annotated[ShuContext, Depends(_shu)]
ClockDep = Annotated[Clock, Depends(_clock)]
CoopScope = Annotated[Scope, Depends(cooperative_scope)]
