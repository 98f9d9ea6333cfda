"""Draft, redraft, approve at the RAT: frozen after, maker-checker, one approval a year."""

from __future__ import annotations

from datetime import date

import pytest
from test_shu_builders import COOP, a_policy, a_policy_command, member_facts, totals

from gotong_platform.domain import event_payload
from gotong_platform.money import MAX_TOTAL_IDR
from reporting.domain.shu import (
    ApproverIsDrafter,
    ApproveShuCalculation,
    CalculationAlreadyApproved,
    CalculationNotFound,
    CalculationStatus,
    DraftPredatesYearEnd,
    DraftShuCalculation,
    EventSequenceError,
    FiscalYearAlreadyApproved,
    MemberShuAllocated,
    PolicyNotYetEffective,
    RatDateInFuture,
    RatDateNotAfterYearEnd,
    ShuCalculation,
    ShuCalculationApproved,
    ShuFacts,
    ShuFigureTooLarge,
    approve_shu_calculation,
    calculation_event_from_payload,
    calculation_id,
    draft_shu_calculation,
    evolve_calculation,
    fiscal_period,
    policy_event_from_payload,
    replay_calculation,
)
from reporting.domain.shu.adoption import adopt_shu_policy

pytestmark = pytest.mark.unit

AFTER_YEAR_END = date(2026, 2, 10)
RAT = date(2026, 3, 28)
FACTS = ShuFacts(
    period=fiscal_period(2025),
    members=(member_facts(1, balance=2_000_000, purchases=30_000_000),
             member_facts(2, balance=1_500_000),
             member_facts(3, balance=500_000, purchases=12_500_000)),
    totals=totals(member_sales=42_500_000, all_sales=42_500_000))
DRAFT = DraftShuCalculation(fiscal_year=2025, shu_total_idr=10_000_000, policy_version=1)


def drafted(state: ShuCalculation | None = None, *, by: str = "bendahara",
            on: date = AFTER_YEAR_END, approved_in_year: str | None = None) -> ShuCalculation:
    events = draft_shu_calculation(state, DRAFT, a_policy(), FACTS, drafted_by=by, today=on,
                                   approved_in_year=approved_in_year)
    new = state
    for e in events:
        new = evolve_calculation(new, e)
    assert new is not None
    return new


def approved(state: ShuCalculation, *, by: str = "ketua") -> ShuCalculation:
    events = approve_shu_calculation(state, ApproveShuCalculation(rat_date=RAT), approved_by=by,
                                     today=RAT, approved_in_year=None)
    for e in events:
        state = evolve_calculation(state, e)
    return state


def test_a_draft_has_one_id_per_cooperative_year_and_policy_version() -> None:
    calc = drafted()
    assert calc.calc_id == calculation_id(COOP, 2025, 1)
    assert calc.calc_id != calculation_id(COOP, 2025, 2)
    assert (calc.status, calc.calc_version, calc.drafted_by) == (
        CalculationStatus.DRAFT, 1, "bendahara")
    assert (calc.period_start, calc.period_end) == (date(2025, 1, 1), date(2025, 12, 31))


def test_a_draft_can_be_recomputed_until_approved() -> None:
    again = drafted(drafted(), by="sekretaris")
    assert (again.calc_version, again.drafted_by) == (2, "sekretaris")


def test_approval_allocates_to_every_member_in_one_step() -> None:
    events = approve_shu_calculation(drafted(), ApproveShuCalculation(rat_date=RAT),
                                     approved_by="ketua", today=RAT, approved_in_year=None)
    assert isinstance(events[0], ShuCalculationApproved)
    allocations = [e for e in events if isinstance(e, MemberShuAllocated)]
    assert [a.member_no for a in allocations] == ["00001", "00002", "00003"]
    assert all(a.total_idr == a.jasa_modal_idr + a.jasa_usaha_idr for a in allocations)
    assert sum(a.jasa_modal_idr for a in allocations) == 2_000_000
    assert sum(a.jasa_usaha_idr for a in allocations) == 2_500_000


def test_an_approved_calculation_is_frozen() -> None:
    calc = approved(drafted())
    assert (calc.status, calc.rat_date, calc.approved_by) == (
        CalculationStatus.APPROVED, RAT, "ketua")
    with pytest.raises(CalculationAlreadyApproved):
        drafted(calc)
    with pytest.raises(CalculationAlreadyApproved):
        approved(calc, by="wakil_ketua")


def test_the_drafter_cannot_approve() -> None:
    with pytest.raises(ApproverIsDrafter):
        approved(drafted(by="bendahara"), by="bendahara")


def test_whoever_redrafted_is_the_drafter() -> None:
    calc = drafted(drafted(by="bendahara"), by="ketua")
    with pytest.raises(ApproverIsDrafter):
        approved(calc, by="ketua")
    assert approved(calc, by="bendahara").status is CalculationStatus.APPROVED


@pytest.mark.parametrize(("rat_date", "error"), [
    (date(2025, 12, 31), RatDateNotAfterYearEnd),
    (RAT.replace(day=29), RatDateInFuture),
])
def test_the_rat_is_held_after_the_year_and_not_in_the_future(rat_date: date,
                                                               error: type[Exception]) -> None:
    with pytest.raises(error):
        approve_shu_calculation(drafted(), ApproveShuCalculation(rat_date=rat_date),
                                approved_by="ketua", today=RAT, approved_in_year=None)


def test_a_draft_made_during_the_year_must_be_redrafted_before_approval() -> None:
    with pytest.raises(DraftPredatesYearEnd):
        approved(drafted(on=date(2025, 11, 30)))


def test_only_one_calculation_of_a_year_can_be_approved() -> None:
    other = calculation_id(COOP, 2025, 2)
    with pytest.raises(FiscalYearAlreadyApproved):
        drafted(approved_in_year=other)
    with pytest.raises(FiscalYearAlreadyApproved):
        approve_shu_calculation(drafted(), ApproveShuCalculation(rat_date=RAT),
                                approved_by="ketua", today=RAT, approved_in_year=other)


def test_a_policy_applies_from_its_effective_year() -> None:
    with pytest.raises(PolicyNotYetEffective):
        draft_shu_calculation(None, DRAFT, a_policy(effective_fiscal_year=2026), FACTS,
                              drafted_by="x", today=AFTER_YEAR_END, approved_in_year=None)


def test_approving_an_unknown_calculation_is_not_found() -> None:
    with pytest.raises(CalculationNotFound):
        approve_shu_calculation(None, ApproveShuCalculation(rat_date=RAT), approved_by="k",
                                today=RAT, approved_in_year=None)


def test_stored_events_replay_to_the_same_state() -> None:
    first = draft_shu_calculation(None, DRAFT, a_policy(), FACTS, drafted_by="bendahara",
                                  today=AFTER_YEAR_END, approved_in_year=None)
    state = replay_calculation(first)
    assert state is not None
    events = [*first, *approve_shu_calculation(
        state, ApproveShuCalculation(rat_date=RAT), approved_by="ketua", today=RAT,
        approved_in_year=None)]
    decoded = [calculation_event_from_payload(e.event_type, event_payload(e)) for e in events]
    assert decoded == events
    assert replay_calculation(decoded) == replay_calculation(events)


def test_a_policy_event_round_trips() -> None:
    (event,) = adopt_shu_policy(0, a_policy_command(), cooperative_id=COOP, today=RAT)
    assert policy_event_from_payload(event.event_type, event_payload(event)) == event


def test_an_allocation_before_any_draft_is_a_corrupt_stream() -> None:
    (_, allocation, *_) = approve_shu_calculation(
        drafted(), ApproveShuCalculation(rat_date=RAT), approved_by="ketua", today=RAT,
        approved_in_year=None)
    with pytest.raises(EventSequenceError):
        replay_calculation([allocation])


@pytest.mark.parametrize(("facts", "what"), [
    (ShuFacts(period=fiscal_period(2025), members=(member_facts(1, balance=MAX_TOTAL_IDR + 1),),
              totals=totals(member_sales=1, all_sales=1)), "capital basis"),
    (ShuFacts(period=fiscal_period(2025), members=(member_facts(1, balance=1),),
              totals=totals(member_sales=MAX_TOTAL_IDR, all_sales=MAX_TOTAL_IDR + 1)),
     "gross business"),
])
def test_a_draft_whose_totals_reach_rp_10_to_the_15_is_refused(facts: ShuFacts,
                                                              what: str) -> None:
    """The totals a draft publishes stay within the contract (no 500 when publishing)."""
    with pytest.raises(ShuFigureTooLarge, match=what):
        draft_shu_calculation(None, DRAFT, a_policy(), facts, drafted_by="bendahara",
                              today=AFTER_YEAR_END, approved_in_year=None)
    largest = ShuFacts(period=fiscal_period(2025),
                       members=(member_facts(1, balance=MAX_TOTAL_IDR),),
                       totals=totals(member_sales=MAX_TOTAL_IDR, all_sales=MAX_TOTAL_IDR))
    (event,) = draft_shu_calculation(None, DRAFT, a_policy(), largest, drafted_by="bendahara",
                                     today=AFTER_YEAR_END, approved_in_year=None)
    assert event.result.capital_basis_total_idr == MAX_TOTAL_IDR
