"""The SHU use cases against in-memory fakes of their ports: no database.

``ShuService`` reaches storage only through ``ShuRepository`` and ``ShuReadModel``
(``reporting.application.ports``), so these fakes are all it needs: a repository
that keeps each stream as a list of domain events (and refuses a stale expected
version, as the event store does), and a read model that knows one cooperative.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from test_shu_builders import COOP, a_policy_command, member_facts, totals

from gotong_platform.calendar import FixedClock
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.provenance import CommandMeta, Provenance
from reporting.application.errors import CooperativeUnknown
from reporting.application.shu import ShuService
from reporting.domain.shu import (
    ApproverIsDrafter,
    ApproveShuCalculation,
    CalculationEvent,
    CalculationNotFound,
    CalculationStatus,
    CooperativeProfile,
    DraftShuCalculation,
    FiscalPeriod,
    PolicyNotFound,
    ShuCalculation,
    ShuFacts,
    ShuPolicy,
    ShuPolicyAdopted,
    TransactionKind,
    evolve_calculation,
    fiscal_period,
)

pytestmark = pytest.mark.unit

NO_CONNECTION: Any = None  # the fakes keep their state themselves
OTHER_COOP = "cooperative-other"
RAT = date(2026, 3, 28)
AFTER_THE_RAT = datetime(2026, 3, 30, 2, 0, tzinfo=UTC)
FACTS = ShuFacts(
    period=fiscal_period(2025),
    members=(member_facts(1, balance=2_000_000, purchases=30_000_000),
             member_facts(2, balance=1_500_000),
             member_facts(3, balance=500_000, purchases=12_500_000)),
    totals=totals(member_sales=42_500_000, all_sales=42_500_000))
DRAFT = DraftShuCalculation(fiscal_year=2025, shu_total_idr=10_000_000, policy_version=1)


class InMemoryShuRepository:
    """The ``ShuRepository`` port: streams of domain events, versions checked."""

    def __init__(self) -> None:
        self.policies: dict[str, list[ShuPolicy]] = defaultdict(list)
        self.calculations: dict[str, list[CalculationEvent]] = defaultdict(list)
        self.saved_with: list[Provenance] = []

    async def load_policies(self, conn: Any, cooperative_id: str) -> list[ShuPolicy]:
        return list(self.policies[cooperative_id])

    async def save_policy(self, conn: Any, versions_so_far: int,
                          events: Sequence[ShuPolicyAdopted], provenance: Provenance) -> None:
        for event in events:
            stream = self.policies[event.policy.cooperative_id]
            if len(stream) != versions_so_far:
                raise ConcurrencyConflict("the policy stream moved on")
            stream.append(event.policy)
            versions_so_far += 1
        self.saved_with.append(provenance)

    async def load_calculation(self, conn: Any, calc_id: str
                               ) -> tuple[ShuCalculation | None, int]:
        events = self.calculations.get(calc_id, [])
        return _replayed(None, events), len(events)

    async def approved_in_year(self, conn: Any, cooperative_id: str, fiscal_year: int
                               ) -> str | None:
        for calc_id, events in self.calculations.items():
            calc = _replayed(None, events)
            if (calc is not None and calc.cooperative_id == cooperative_id
                    and calc.fiscal_year == fiscal_year
                    and calc.status is CalculationStatus.APPROVED):
                return calc_id
        return None

    async def save_calculation(self, conn: Any, before: ShuCalculation | None, version: int,
                               events: Sequence[CalculationEvent], provenance: Provenance
                               ) -> ShuCalculation:
        state = _replayed(before, events)
        assert state is not None
        stream = self.calculations[state.calc_id]
        if len(stream) != version:
            raise ConcurrencyConflict("the calculation stream moved on")
        stream.extend(events)
        self.saved_with.append(provenance)
        return state


def _replayed(state: ShuCalculation | None, events: Sequence[CalculationEvent]
              ) -> ShuCalculation | None:
    for event in events:
        state = evolve_calculation(state, event)
    return state


class OneCooperative:
    """The ``ShuReadModel`` port: the read model knows two cooperatives, and ``COOP``'s
    facts of the year."""

    def __init__(self, time_zone: str = "WITA") -> None:
        self.profile = CooperativeProfile(coop_type="consumer", time_zone=time_zone,
                                          fiscal_year_start_month=1)
        self.asked: list[FiscalPeriod] = []

    async def cooperative(self, cooperative_id: str) -> CooperativeProfile | None:
        return self.profile if cooperative_id in (COOP, OTHER_COOP) else None

    async def shu_facts(self, cooperative_id: str, period: FiscalPeriod, policy: ShuPolicy
                        ) -> ShuFacts:
        self.asked.append(period)
        return FACTS


def by(actor: str) -> Provenance:
    return Provenance(CommandMeta(actor=actor, command_id=uuid.uuid4().hex,
                                  correlation_id=uuid.uuid4(), traceparent=None,
                                  tracestate=None))


def service(at: datetime = AFTER_THE_RAT, time_zone: str = "WITA"
            ) -> tuple[ShuService, InMemoryShuRepository]:
    repo = InMemoryShuRepository()
    return ShuService(repo, OneCooperative(time_zone), FixedClock(at)), repo


async def test_each_adoption_is_the_next_version_saved_with_its_commands_provenance() -> None:
    shu, repo = service()
    first, second = by("bendahara"), by("ketua")

    v1 = await shu.adopt_policy(NO_CONNECTION, COOP, a_policy_command(), first)
    v2 = await shu.adopt_policy(NO_CONNECTION, COOP, a_policy_command(), second)

    assert (v1.policy_version, v2.policy_version) == (1, 2)
    assert repo.policies[COOP] == [v1, v2]
    assert repo.saved_with == [first, second]


@pytest.mark.parametrize(("time_zone", "day"), [("WIT", date(2026, 3, 1)),
                                                ("WIB", date(2026, 2, 28))])
async def test_today_is_the_cooperatives_business_date_on_the_services_clock(
    time_zone: str, day: date,
) -> None:
    # 16:30 UTC is 01:30 the next day in WIT (UTC+9) and 23:30 the same day in WIB.
    shu, _ = service(at=datetime(2026, 2, 28, 16, 30, tzinfo=UTC), time_zone=time_zone)

    policy = await shu.adopt_policy(NO_CONNECTION, COOP, a_policy_command(), by("bendahara"))

    assert policy.adopted_on == day


async def test_the_suggested_basis_follows_the_cooperatives_type() -> None:
    shu, _ = service()

    assert await shu.suggested_transaction_basis(COOP) == (TransactionKind.MEMBER_PURCHASES,)


async def test_a_draft_from_the_read_models_facts_is_approved_by_another_admin() -> None:
    shu, repo = service()
    await shu.adopt_policy(NO_CONNECTION, COOP, a_policy_command(), by("bendahara"))

    draft = await shu.draft(NO_CONNECTION, COOP, DRAFT, by("bendahara"))
    assert (draft.status, draft.calc_version, draft.drafted_by) == (
        CalculationStatus.DRAFT, 1, "bendahara")
    assert draft.result.shu_total_idr == 10_000_000
    with pytest.raises(ApproverIsDrafter):
        await shu.approve(NO_CONNECTION, COOP, draft.calc_id,
                          ApproveShuCalculation(rat_date=RAT), by("bendahara"))
    approved = await shu.approve(NO_CONNECTION, COOP, draft.calc_id,
                                 ApproveShuCalculation(rat_date=RAT), by("ketua"))

    assert (approved.status, approved.approved_by, approved.rat_date) == (
        CalculationStatus.APPROVED, "ketua", RAT)
    assert await repo.approved_in_year(NO_CONNECTION, COOP, 2025) == draft.calc_id


async def test_a_cooperative_the_read_model_does_not_know_changes_nothing() -> None:
    shu, repo = service()

    with pytest.raises(CooperativeUnknown):
        await shu.adopt_policy(NO_CONNECTION, "cooperative-unknown", a_policy_command(),
                               by("bendahara"))

    assert not repo.policies
    assert not repo.saved_with


async def test_a_policy_version_never_adopted_cannot_be_drafted_under() -> None:
    shu, repo = service()
    await shu.adopt_policy(NO_CONNECTION, COOP, a_policy_command(), by("bendahara"))

    with pytest.raises(PolicyNotFound):
        await shu.draft(NO_CONNECTION, COOP, DraftShuCalculation(
            fiscal_year=2025, shu_total_idr=10_000_000, policy_version=2), by("bendahara"))

    assert not repo.calculations


async def test_no_calculation_is_approved_through_another_cooperative() -> None:
    shu, repo = service()
    await shu.adopt_policy(NO_CONNECTION, COOP, a_policy_command(), by("bendahara"))
    draft = await shu.draft(NO_CONNECTION, COOP, DRAFT, by("bendahara"))

    with pytest.raises(CalculationNotFound):
        await shu.approve(NO_CONNECTION, OTHER_COOP, draft.calc_id,
                          ApproveShuCalculation(rat_date=RAT), by("ketua"))

    assert [type(e).__name__ for e in repo.calculations[draft.calc_id]] == [
        "ShuCalculationDrafted"]
