"""A cooperative (koperasi) of the federation, as a decider.

The federation is a koperasi sekunder: its members are cooperatives, which join and
leave on effective dates. A cooperative may leave and join again, so its state keeps
every period of membership and answers "was it a member on that day?".

Command functions take the current state (``None`` before registration), the command
and the cooperative's business date ``today``; they return the new events or raise
the error that names the broken rule. ``evolve_cooperative`` applies one event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import assert_never

from gotong_platform.domain import replay
from members.domain import checks, region
from members.domain.commands import JoinFederation, LeaveFederation, RegisterCooperative
from members.domain.errors import (
    AlreadyInFederation,
    CooperativeAlreadyRegistered,
    CooperativeNotFound,
    CooperativeNotInFederation,
    EventSequenceError,
    InvalidFiscalYearStartMonth,
)
from members.domain.events import (
    CooperativeEvent,
    CooperativeJoinedFederation,
    CooperativeLeftFederation,
    CooperativeRegistered,
)
from members.domain.values import CoopType, Loop, TimeZone

__all__ = [
    "Cooperative",
    "FederationPeriod",
    "evolve_cooperative",
    "join_federation",
    "leave_federation",
    "register_cooperative",
    "replay_cooperative",
]

NAME_MAX = 200
LEGAL_NUMBER_MAX = 100
REASON_MAX = 500


# --- state ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class FederationPeriod:
    """Membership of the federation from ``joined_on`` up to, not including, ``left_on``."""

    joined_on: date
    left_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Cooperative:
    """A registered cooperative: its region, time zone and federation history."""

    cooperative_id: str
    name: str
    legal_registration_number: str
    coop_type: CoopType
    province_code: str
    regency_code: str
    time_zone: TimeZone
    fiscal_year_start_month: int
    loop: Loop
    registered_on: date
    federation_periods: tuple[FederationPeriod, ...] = ()

    def is_federation_member(self, on: date) -> bool:
        """Whether the cooperative belonged to the federation on day ``on``."""
        return any(period.covers(on) for period in self.federation_periods)

    @property
    def current_period(self) -> FederationPeriod | None:
        """The open membership period, if the cooperative is in the federation now."""
        last = self.federation_periods[-1] if self.federation_periods else None
        return last if last is not None and last.left_on is None else None

    @property
    def last_left_on(self) -> date | None:
        """When the cooperative last left the federation, if it ever did."""
        left = [p.left_on for p in self.federation_periods if p.left_on is not None]
        return left[-1] if left else None


# --- deciders ------------------------------------------------------------------


def register_cooperative(
    state: Cooperative | None, command: RegisterCooperative, *, cooperative_id: str, today: date
) -> list[CooperativeEvent]:
    """Register a cooperative under ``cooperative_id`` (its stream id)."""
    if state is not None:
        raise CooperativeAlreadyRegistered(f"The cooperative {state.name!r} is already registered.")
    name = checks.required_text(command.name, what="The name", max_length=NAME_MAX)
    legal_number = checks.required_text(
        command.legal_registration_number,
        what="The legal registration number (badan hukum)",
        max_length=LEGAL_NUMBER_MAX,
    )
    province = region.province_code(command.province_code)
    regency = region.regency_code(command.regency_code, province=province)
    if not 1 <= command.fiscal_year_start_month <= 12:
        raise InvalidFiscalYearStartMonth(
            "The fiscal year must start in a month from 1 to 12; "
            f"got {command.fiscal_year_start_month}."
        )
    registered_on = checks.not_in_future(
        command.registered_on, what="The registration date", today=today
    )
    return [
        CooperativeRegistered(
            cooperative_id=cooperative_id,
            name=name,
            legal_registration_number=legal_number,
            coop_type=command.coop_type,
            province_code=province,
            regency_code=regency,
            time_zone=command.time_zone,
            fiscal_year_start_month=command.fiscal_year_start_month,
            loop=command.loop,
            registered_on=registered_on,
        )
    ]


def join_federation(
    state: Cooperative | None, command: JoinFederation, *, today: date
) -> list[CooperativeEvent]:
    """The cooperative joins the federation from ``command.effective_date``."""
    coop = _existing(state)
    day = checks.not_in_future(command.effective_date, what="The joining date", today=today)
    if coop.current_period is not None:
        raise AlreadyInFederation(
            f"The cooperative {coop.name!r} has been a member of the federation since "
            f"{coop.current_period.joined_on.isoformat()}."
        )
    checks.not_before(
        day, coop.registered_on, what="The joining date", earlier_step="the registration"
    )
    if coop.last_left_on is not None:
        checks.not_before(
            day,
            coop.last_left_on,
            what="The joining date",
            earlier_step="the day the cooperative last left the federation",
        )
    return [CooperativeJoinedFederation(cooperative_id=coop.cooperative_id, effective_date=day)]


def leave_federation(
    state: Cooperative | None, command: LeaveFederation, *, today: date
) -> list[CooperativeEvent]:
    """The cooperative leaves the federation on ``command.effective_date``."""
    coop = _existing(state)
    day = checks.not_in_future(command.effective_date, what="The leaving date", today=today)
    reason = checks.required_text(
        command.reason, what="The reason for leaving", max_length=REASON_MAX
    )
    period = coop.current_period
    if period is None:
        raise CooperativeNotInFederation(
            f"The cooperative {coop.name!r} is not a member of the federation, so it cannot leave."
        )
    checks.not_before(
        day, period.joined_on, what="The leaving date", earlier_step="the joining date"
    )
    return [
        CooperativeLeftFederation(
            cooperative_id=coop.cooperative_id, effective_date=day, reason=reason
        )
    ]


def _existing(state: Cooperative | None) -> Cooperative:
    if state is None:
        raise CooperativeNotFound("No cooperative is registered under this id.")
    return state


# --- evolution -----------------------------------------------------------------


def evolve_cooperative(state: Cooperative | None, event: CooperativeEvent) -> Cooperative:
    """The state after ``event``. Events are facts: nothing is checked but the stream order."""
    match event:
        case CooperativeRegistered():
            if state is not None:
                raise EventSequenceError("CooperativeRegistered in an existing stream")
            return Cooperative(
                cooperative_id=event.cooperative_id,
                name=event.name,
                legal_registration_number=event.legal_registration_number,
                coop_type=event.coop_type,
                province_code=event.province_code,
                regency_code=event.regency_code,
                time_zone=event.time_zone,
                fiscal_year_start_month=event.fiscal_year_start_month,
                loop=event.loop,
                registered_on=event.registered_on,
            )
        case CooperativeJoinedFederation():
            coop = _require(state, event)
            period = FederationPeriod(joined_on=event.effective_date)
            return dataclasses.replace(coop, federation_periods=(*coop.federation_periods, period))
        case CooperativeLeftFederation():
            coop = _require(state, event)
            if coop.current_period is None:
                raise EventSequenceError("CooperativeLeftFederation without an open period")
            closed = dataclasses.replace(coop.current_period, left_on=event.effective_date)
            return dataclasses.replace(
                coop, federation_periods=(*coop.federation_periods[:-1], closed)
            )
        case _:
            assert_never(event)


def _require(state: Cooperative | None, event: CooperativeEvent) -> Cooperative:
    if state is None:
        raise EventSequenceError(f"{event.event_type} before CooperativeRegistered")
    return state


def replay_cooperative(events: Iterable[CooperativeEvent]) -> Cooperative | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_cooperative, events)
