"""Random command sequences: whatever a clerk sends, a member only moves along the graph.

(none) → applied → admitted ⇄ suspended
              ↘ rejected    ↘ exited ↙
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from members_builders import (
    TODAY,
    a_cooperative,
    a_registration,
    an_application,
    fold_cooperative,
    fold_member,
    new_id,
)

from gotong_platform.domain import DomainError
from members.domain import (
    AdmitMember,
    ExitMember,
    ExitReason,
    Gender,
    JoinFederation,
    LeaveFederation,
    Member,
    MemberEvent,
    MemberStatus,
    ReinstateMember,
    RejectApplication,
    SuspendMember,
    admit_member,
    apply_for_membership,
    exit_member,
    join_federation,
    leave_federation,
    register_cooperative,
    reinstate_member,
    reject_application,
    replay_cooperative,
    replay_member,
    suspend_member,
)

pytestmark = pytest.mark.unit

S = MemberStatus
ALLOWED = {
    (None, S.APPLIED),
    (S.APPLIED, S.ADMITTED),
    (S.APPLIED, S.REJECTED),
    (S.ADMITTED, S.SUSPENDED),
    (S.ADMITTED, S.EXITED),
    (S.SUSPENDED, S.ADMITTED),
    (S.SUSPENDED, S.EXITED),
}

# Application dates around the cooperative's joining date (2020-01-01) and TODAY.
days = st.dates(min_value=date(2019, 6, 1), max_value=TODAY + timedelta(days=3))
# Later dates are drawn relative to the member's last status change, so that runs go
# deep into the lifecycle; a negative offset or one past TODAY must be refused.
offsets = st.integers(min_value=-10, max_value=60)
# Mostly valid texts and numbers; sometimes blank or too long.
texts = st.sampled_from(["Menunggak simpanan wajib"] * 4 + ["", "  ", "x" * 501])
member_nos = st.sampled_from(["TM-1"] * 4 + [" ", "9" * 51])
BAD_FIELDS: dict[str, Any] = {
    "full_name": " ",
    "village_code": "3273010001",  # another regency
    "nik": "3204100000000000",
    "birth_date": TODAY,  # too young
}


@st.composite
def applications(draw: st.DrawFn, cooperative_id: str) -> Any:
    """A valid application, or one with a single field a clerk got wrong."""
    gender = draw(st.sampled_from(Gender))
    birth_date = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(2007, 1, 1)))
    command = an_application(
        cooperative_id, gender=gender, birth_date=birth_date, applied_on=draw(days)
    )
    wrong = draw(st.sampled_from([None, None, None, *BAD_FIELDS]))
    if wrong is None:
        return command
    return dataclasses.replace(command, **{wrong: BAD_FIELDS[wrong]})


class MemberLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.coop = a_cooperative()
        self.member_id = new_id("member")
        self.member: Member | None = None
        self.events: list[MemberEvent] = []

    def day(self, offset: int) -> date:
        base = self.member.status_since if self.member else TODAY - timedelta(days=90)
        return base + timedelta(days=offset)

    def decide(self, decide: Callable[..., list[MemberEvent]], *args: Any, **kw: Any) -> None:
        before = self.member
        try:
            events = decide(before, *args, today=TODAY, **kw)
        except DomainError:
            assert self.member is before  # a refusal changes nothing
            return
        assert len(events) == 1
        after = fold_member(before, events)
        transition = (before and before.status, after.status)
        assert transition in ALLOWED
        event(f"{transition[0]} -> {transition[1]}")  # see --hypothesis-show-statistics
        assert all(
            (e.member_id, e.cooperative_id) == (self.member_id, self.coop.cooperative_id)
            for e in events
        )
        self.member, self.events = after, self.events + events

    @rule(data=st.data())
    def apply(self, data: st.DataObject) -> None:
        command = data.draw(applications(self.coop.cooperative_id))
        self.decide(
            apply_for_membership,
            command,
            member_id=self.member_id,
            cooperative=self.coop,
            nik_hash="hmac-sha256:x",
        )

    @rule(offset=offsets, member_no=member_nos)
    def admit(self, offset: int, member_no: str) -> None:
        self.decide(admit_member, AdmitMember(admitted_on=self.day(offset), member_no=member_no))

    @rule(offset=offsets, reason=texts)
    def reject(self, offset: int, reason: str) -> None:
        command = RejectApplication(rejected_on=self.day(offset), reason=reason)
        self.decide(reject_application, command)

    @rule(offset=offsets, reason=texts)
    def suspend(self, offset: int, reason: str) -> None:
        self.decide(suspend_member, SuspendMember(suspended_on=self.day(offset), reason=reason))

    @rule(offset=offsets)
    def reinstate(self, offset: int) -> None:
        self.decide(reinstate_member, ReinstateMember(reinstated_on=self.day(offset)))

    @rule(offset=offsets, reason=st.sampled_from(ExitReason), note=st.none() | texts)
    def exit(self, offset: int, reason: ExitReason, note: str | None) -> None:
        command = ExitMember(exited_on=self.day(offset), reason=reason, note=note)
        self.decide(exit_member, command)

    @invariant()
    def the_stream_replays_to_the_state(self) -> None:
        assert replay_member(self.events) == self.member

    @invariant()
    def dates_never_lie_after_today(self) -> None:
        if self.member is not None:
            assert self.member.status_since <= TODAY


MemberLifecycle.TestCase.settings = settings(max_examples=200, stateful_step_count=25)
test_member_lifecycle = MemberLifecycle.TestCase


@given(steps=st.lists(st.tuples(st.booleans(), days), max_size=12))
def test_federation_membership_follows_the_last_accepted_join_or_leave(
    steps: list[tuple[bool, date]],
) -> None:
    events = register_cooperative(
        None, a_registration(), cooperative_id=new_id("cooperative"), today=TODAY
    )
    coop = fold_cooperative(None, events)
    for joining, day in steps:
        try:
            new = (
                join_federation(coop, JoinFederation(effective_date=day), today=TODAY)
                if joining
                else leave_federation(
                    coop, LeaveFederation(effective_date=day, reason="RAT"), today=TODAY
                )
            )
        except DomainError:
            continue
        coop, events = fold_cooperative(coop, new), events + new

    periods = coop.federation_periods
    assert all(p.left_on is None or p.joined_on <= p.left_on for p in periods)
    assert all(
        a.left_on is not None and a.left_on <= b.joined_on for a, b in itertools.pairwise(periods)
    )
    assert coop.is_federation_member(TODAY) == (coop.current_period is not None)
    assert replay_cooperative(events) == coop
