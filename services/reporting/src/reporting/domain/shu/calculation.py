"""An SHU calculation, as a decider: drafted (and redrafted), then approved at the RAT.

One calculation per (cooperative, fiscal year, policy version): its id is derived
from the three, so drafting twice recomputes the same calculation. Approval
freezes it and allocates the SHU to every member in one step. At most one
calculation of a fiscal year can be approved.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from datetime import date
from typing import assert_never

from gotong_platform.domain import replay
from gotong_platform.money import MAX_TOTAL_IDR
from reporting.domain.shu import errors
from reporting.domain.shu.allocation import ShuResult, calculate_shu
from reporting.domain.shu.commands import ApproveShuCalculation, DraftShuCalculation
from reporting.domain.shu.events import (
    CalculationEvent,
    MemberShuAllocated,
    ShuCalculationApproved,
    ShuCalculationDrafted,
)
from reporting.domain.shu.inputs import ShuFacts, gross_split, member_bases
from reporting.domain.shu.policy import ShuPolicy
from reporting.domain.shu.values import CalculationStatus

__all__ = [
    "ShuCalculation",
    "approve_shu_calculation",
    "calculation_id",
    "draft_shu_calculation",
    "evolve_calculation",
    "replay_calculation",
]

_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4b7a-9a50-5b0d3c2e9f41")


def calculation_id(cooperative_id: str, fiscal_year: int, policy_version: int) -> str:
    """The one calculation of this cooperative, year and policy version (handbook §5.4)."""
    name = f"shu:{cooperative_id}:{fiscal_year}:{policy_version}"
    return f"shu-calculation-{uuid.uuid5(_NAMESPACE, name)}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShuCalculation:
    calc_id: str
    cooperative_id: str
    fiscal_year: int
    period_start: date
    period_end: date
    calc_version: int
    policy: ShuPolicy
    result: ShuResult
    drafted_by: str
    drafted_on: date
    status: CalculationStatus = CalculationStatus.DRAFT
    rat_date: date | None = None
    approved_by: str | None = None


def draft_shu_calculation(
    state: ShuCalculation | None, command: DraftShuCalculation, policy: ShuPolicy,
    facts: ShuFacts, *, drafted_by: str, today: date, approved_in_year: str | None,
) -> list[ShuCalculationDrafted]:
    """Compute (or recompute) the draft. ``approved_in_year``: an approved calc of the year."""
    calc_id = calculation_id(policy.cooperative_id, command.fiscal_year, policy.policy_version)
    _refuse_frozen(state, approved_in_year, calc_id)
    if policy.effective_fiscal_year > command.fiscal_year:
        raise errors.PolicyNotYetEffective(
            f"Policy version {policy.policy_version} applies from fiscal year "
            f"{policy.effective_fiscal_year}, not {command.fiscal_year}.")
    if facts.period.fiscal_year != command.fiscal_year:
        raise ValueError("the facts are of another fiscal year")
    result = _within_total_limit(calculate_shu(
        policy, command.shu_total_idr, member_bases(policy, facts.period, facts.members),
        gross_split(facts.totals)))
    return [ShuCalculationDrafted(
        calc_id=calc_id, cooperative_id=policy.cooperative_id, fiscal_year=command.fiscal_year,
        period_start=facts.period.start, period_end=facts.period.end,
        calc_version=(state.calc_version if state else 0) + 1, policy=policy, result=result,
        drafted_by=drafted_by, drafted_on=today)]


def approve_shu_calculation(
    state: ShuCalculation | None, command: ApproveShuCalculation, *, approved_by: str,
    today: date, approved_in_year: str | None,
) -> list[CalculationEvent]:
    """The RAT approves the current draft; every member's allocation is recorded."""
    calc = _existing(state)
    _refuse_frozen(calc, approved_in_year, calc.calc_id)
    if approved_by == calc.drafted_by:
        raise errors.ApproverIsDrafter(
            "Maker-checker: the SHU must be approved by someone other than its drafter.")
    if command.rat_date <= calc.period_end:
        raise errors.RatDateNotAfterYearEnd(
            f"The RAT approving fiscal year {calc.fiscal_year} is held after "
            f"{calc.period_end.isoformat()}.")
    if command.rat_date > today:
        raise errors.RatDateInFuture(f"The RAT date {command.rat_date.isoformat()} is in the "
                                     "future; approve on or after the meeting.")
    if calc.drafted_on <= calc.period_end:
        raise errors.DraftPredatesYearEnd(
            "This draft was computed before the fiscal year ended; redraft it first.")
    approved = ShuCalculationApproved(
        calc_id=calc.calc_id, cooperative_id=calc.cooperative_id, fiscal_year=calc.fiscal_year,
        calc_version=calc.calc_version, rat_date=command.rat_date, approved_by=approved_by,
        drafted_by=calc.drafted_by)
    return [approved, *(
        MemberShuAllocated(
            calc_id=calc.calc_id, cooperative_id=calc.cooperative_id,
            fiscal_year=calc.fiscal_year, member_id=a.member_id, member_no=a.member_no,
            capital_basis_idr=a.capital_basis_idr, transaction_basis_idr=a.transaction_basis_idr,
            jasa_modal_idr=a.jasa_modal_idr, jasa_usaha_idr=a.jasa_usaha_idr,
            total_idr=a.total_idr, rat_date=command.rat_date)
        for a in calc.result.allocations)]


def _within_total_limit(result: ShuResult) -> ShuResult:
    """Every total the draft publishes stays below Rp 10^15; each part of one is smaller."""
    figures = {"SHU": result.shu_total_idr, "gross business": result.total_gross_idr,
               "capital basis": result.capital_basis_total_idr,
               "transaction basis": result.transaction_basis_total_idr}
    for what, value in figures.items():
        if value > MAX_TOTAL_IDR:
            raise errors.ShuFigureTooLarge(
                f"The year's {what} is Rp {value}; a calculation carries at most "
                f"Rp {MAX_TOTAL_IDR}.")
    return result


def _refuse_frozen(state: ShuCalculation | None, approved_in_year: str | None,
                   calc_id: str) -> None:
    if state is not None and state.status is CalculationStatus.APPROVED:
        raise errors.CalculationAlreadyApproved(
            f"The SHU of fiscal year {state.fiscal_year} under this policy was approved at the "
            "RAT and is frozen.")
    if approved_in_year is not None and approved_in_year != calc_id:
        raise errors.FiscalYearAlreadyApproved(
            "Another calculation of this fiscal year was already approved at the RAT.")


def _existing(state: ShuCalculation | None) -> ShuCalculation:
    if state is None:
        raise errors.CalculationNotFound("No SHU calculation under this id.")
    return state


def evolve_calculation(state: ShuCalculation | None, event: CalculationEvent) -> ShuCalculation:
    """The state after ``event``; facts are not re-checked, only the stream order."""
    match event:
        case ShuCalculationDrafted():
            if state is not None and state.status is CalculationStatus.APPROVED:
                raise errors.EventSequenceError("ShuCalculationDrafted after the approval")
            return ShuCalculation(
                calc_id=event.calc_id, cooperative_id=event.cooperative_id,
                fiscal_year=event.fiscal_year, period_start=event.period_start,
                period_end=event.period_end, calc_version=event.calc_version,
                policy=event.policy, result=event.result, drafted_by=event.drafted_by,
                drafted_on=event.drafted_on)
        case ShuCalculationApproved():
            calc = _require(state, event)
            return dataclasses.replace(calc, status=CalculationStatus.APPROVED,
                                       rat_date=event.rat_date, approved_by=event.approved_by)
        case MemberShuAllocated():
            return _require(state, event)  # the allocation is already part of the result
        case _:
            assert_never(event)


def _require(state: ShuCalculation | None, event: CalculationEvent) -> ShuCalculation:
    if state is None:
        raise errors.EventSequenceError(f"{event.event_type} before ShuCalculationDrafted")
    return state


def replay_calculation(events: Iterable[CalculationEvent]) -> ShuCalculation | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_calculation, events)
