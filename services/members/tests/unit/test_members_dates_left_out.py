"""A date the form leaves out is the cooperative's business date today."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from members_builders import (
    TODAY,
    a_cooperative,
    a_member,
    a_registered_cooperative,
    a_registration,
    an_application,
    apply,
    fold_cooperative,
    new_id,
)

from members.domain import (
    AdmitMember,
    ExitMember,
    ExitReason,
    JoinFederation,
    LeaveFederation,
    MemberStatus,
    ReinstateMember,
    RejectApplication,
    SuspendMember,
    admit_member,
    exit_member,
    join_federation,
    leave_federation,
    register_cooperative,
    reinstate_member,
    reject_application,
    suspend_member,
)

pytestmark = pytest.mark.unit


def test_a_cooperative_registered_without_a_date_is_registered_today() -> None:
    (registered,) = register_cooperative(None, a_registration(registered_on=None),
                                         cooperative_id=new_id("cooperative"), today=TODAY)

    assert registered.registered_on == TODAY


def test_joining_and_leaving_without_a_date_take_effect_today() -> None:
    coop = a_registered_cooperative()

    (joined,) = join_federation(coop, JoinFederation(), today=TODAY)
    (left,) = leave_federation(fold_cooperative(coop, [joined]),
                               LeaveFederation(reason="Bergabung ke federasi lain"), today=TODAY)

    assert (joined.effective_date, left.effective_date) == (TODAY, TODAY)


def test_an_application_without_a_date_is_made_today() -> None:
    coop = a_cooperative()

    (applied,) = apply(coop, an_application(coop.cooperative_id, applied_on=None))

    assert applied.applied_on == TODAY


@pytest.mark.parametrize(
    ("status", "decide", "command", "field"),
    [
        (MemberStatus.APPLIED, admit_member, AdmitMember(member_no="TM-0001"), "admitted_on"),
        (MemberStatus.APPLIED, reject_application, RejectApplication(reason="Pindah"),
         "rejected_on"),
        (MemberStatus.ADMITTED, suspend_member, SuspendMember(reason="Menunggak"),
         "suspended_on"),
        (MemberStatus.SUSPENDED, reinstate_member, ReinstateMember(), "reinstated_on"),
        (MemberStatus.ADMITTED, exit_member, ExitMember(reason=ExitReason.RESIGNED),
         "exited_on"),
    ],
)
def test_a_decision_without_a_date_takes_effect_today(
    status: MemberStatus, decide: Callable[..., list[Any]], command: Any, field: str
) -> None:
    (event,) = decide(a_member(status), command, today=TODAY)

    assert getattr(event, field) == TODAY
