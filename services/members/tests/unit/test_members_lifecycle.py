"""A member's life after the application: admission, suspension, exit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from members_builders import (
    ADMITTED_ON,
    APPLIED_ON,
    SUSPENDED_ON,
    TODAY,
    a_cooperative,
    a_member,
    apply,
    fold_member,
)

from gotong_platform.domain import DomainError
from gotong_testing.deciders import refused
from members.domain import (
    AdmitMember,
    ApplicationNotPending,
    DateInFuture,
    DateOutOfOrder,
    EventSequenceError,
    ExitMember,
    ExitReason,
    MemberAdmitted,
    MemberApplicationRejected,
    MemberEvent,
    MemberExited,
    MemberNotActive,
    MemberNotFound,
    MemberNotSuspended,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    NotAMember,
    ReinstateMember,
    RejectApplication,
    RequiredFieldMissing,
    SuspendMember,
    TextTooLong,
    admit_member,
    evolve_member,
    exit_member,
    reinstate_member,
    reject_application,
    replay_member,
    suspend_member,
)

pytestmark = pytest.mark.unit

LATER = date(2025, 5, 20)  # after every date the builders use, before TODAY
ADMIT = AdmitMember(admitted_on=LATER, member_no="TM-0042")
REJECT = RejectApplication(rejected_on=LATER, reason="Tidak berdomisili di desa ini")
SUSPEND = SuspendMember(suspended_on=LATER, reason="Simpanan wajib menunggak")
REINSTATE = ReinstateMember(reinstated_on=LATER)
EXIT = ExitMember(exited_on=LATER, reason=ExitReason.DECEASED, note="Ahli waris: anak")
NOT_ADMITTED = [MemberStatus.APPLIED, MemberStatus.REJECTED]
GONE = [MemberStatus.REJECTED, MemberStatus.EXITED]
Decider = Callable[..., list[MemberEvent]]


# --- happy paths -----------------------------------------------------------------


def test_a_full_membership_from_application_to_exit() -> None:
    member = a_member(MemberStatus.APPLIED)
    steps: list[tuple[Decider, object]] = [
        (admit_member, AdmitMember(admitted_on=APPLIED_ON, member_no=" TM-0042 ")),
        (suspend_member, SuspendMember(suspended_on=APPLIED_ON, reason="Menunggak")),
        (reinstate_member, ReinstateMember(reinstated_on=LATER)),
        (suspend_member, SuspendMember(suspended_on=LATER, reason="Menunggak lagi")),
        (exit_member, ExitMember(exited_on=TODAY, reason=ExitReason.RESIGNED)),
    ]
    history = []
    for decide, command in steps:
        events = decide(member, command, today=TODAY)
        member = fold_member(member, events)
        history.append(member.status)

    assert history == [
        MemberStatus.ADMITTED,
        MemberStatus.SUSPENDED,
        MemberStatus.ADMITTED,
        MemberStatus.SUSPENDED,
        MemberStatus.EXITED,
    ]
    assert (member.member_no, member.admitted_on, member.suspended_on) == (
        "TM-0042",
        APPLIED_ON,
        LATER,
    )
    assert (member.exited_on, member.exit_reason) == (TODAY, ExitReason.RESIGNED)


def test_admitting_gives_the_member_a_number() -> None:
    member = a_member(MemberStatus.APPLIED)

    events = admit_member(member, ADMIT, today=TODAY)

    assert events == [
        MemberAdmitted(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            member_no="TM-0042",
            admitted_on=LATER,
        )
    ]


def test_rejecting_ends_the_application() -> None:
    member = a_member(MemberStatus.APPLIED)

    events = reject_application(member, REJECT, today=TODAY)

    assert events == [
        MemberApplicationRejected(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            rejected_on=LATER,
            reason=REJECT.reason,
        )
    ]
    assert fold_member(member, events).status is MemberStatus.REJECTED


def test_suspending_and_reinstating_an_active_member() -> None:
    member = a_member(MemberStatus.ADMITTED)
    command = SuspendMember(suspended_on=SUSPENDED_ON, reason="Menunggak")

    suspended = suspend_member(member, command, today=TODAY)
    reinstated = reinstate_member(fold_member(member, suspended), REINSTATE, today=TODAY)

    assert suspended == [
        MemberSuspended(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            suspended_on=SUSPENDED_ON,
            reason="Menunggak",
        )
    ]
    assert reinstated == [
        MemberReinstated(
            member_id=member.member_id, cooperative_id=member.cooperative_id, reinstated_on=LATER
        )
    ]


@pytest.mark.parametrize("status", [MemberStatus.ADMITTED, MemberStatus.SUSPENDED])
def test_an_admitted_or_suspended_member_can_exit(status: MemberStatus) -> None:
    member = a_member(status)

    events = exit_member(member, EXIT, today=TODAY)

    assert events == [
        MemberExited(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            exited_on=LATER,
            reason=ExitReason.DECEASED,
            note="Ahli waris: anak",
        )
    ]


def test_a_suspended_member_may_exit_with_a_date_before_the_suspension() -> None:
    # A death is often recorded only after the member was suspended for not paying.
    member = a_member(MemberStatus.SUSPENDED)
    command = ExitMember(exited_on=SUSPENDED_ON - timedelta(days=1), reason=ExitReason.DECEASED)

    assert exit_member(member, command, today=TODAY)


# --- unknown member ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decide", "command"),
    [
        (admit_member, ADMIT),
        (reject_application, REJECT),
        (suspend_member, SUSPEND),
        (reinstate_member, REINSTATE),
        (exit_member, EXIT),
    ],
)
def test_commands_on_an_unknown_member_are_refused(decide: Decider, command: object) -> None:
    refused(MemberNotFound, decide, None, command, today=TODAY)


# --- admission -----------------------------------------------------------------


@pytest.mark.parametrize("status", [MemberStatus.ADMITTED, MemberStatus.SUSPENDED, *GONE])
def test_only_a_pending_application_can_be_admitted(status: MemberStatus) -> None:
    refused(ApplicationNotPending, admit_member, a_member(status), ADMIT, today=TODAY)


def test_admission_before_the_application_is_refused() -> None:
    command = AdmitMember(admitted_on=APPLIED_ON - timedelta(days=1), member_no="TM-1")

    refused(DateOutOfOrder, admit_member, a_member(MemberStatus.APPLIED), command, today=TODAY)


def test_admission_after_today_is_refused() -> None:
    command = AdmitMember(admitted_on=TODAY + timedelta(days=1), member_no="TM-1")

    refused(DateInFuture, admit_member, a_member(MemberStatus.APPLIED), command, today=TODAY)


@pytest.mark.parametrize(
    ("member_no", "error"), [(" ", RequiredFieldMissing), ("9" * 51, TextTooLong)]
)
def test_admission_needs_a_member_number_of_at_most_50_characters(
    member_no: str, error: type[DomainError]
) -> None:
    command = AdmitMember(admitted_on=LATER, member_no=member_no)

    refused(error, admit_member, a_member(MemberStatus.APPLIED), command, today=TODAY)


# --- rejection -----------------------------------------------------------------


@pytest.mark.parametrize("status", [MemberStatus.ADMITTED, MemberStatus.SUSPENDED, *GONE])
def test_only_a_pending_application_can_be_rejected(status: MemberStatus) -> None:
    refused(ApplicationNotPending, reject_application, a_member(status), REJECT, today=TODAY)


@pytest.mark.parametrize(
    ("reason", "error"), [("", RequiredFieldMissing), ("x" * 501, TextTooLong)]
)
def test_a_rejection_needs_a_reason_of_at_most_500_characters(
    reason: str, error: type[DomainError]
) -> None:
    command = RejectApplication(rejected_on=LATER, reason=reason)

    refused(error, reject_application, a_member(MemberStatus.APPLIED), command, today=TODAY)


def test_rejection_before_the_application_is_refused() -> None:
    command = RejectApplication(rejected_on=APPLIED_ON - timedelta(days=1), reason="Ganda")

    refused(
        DateOutOfOrder, reject_application, a_member(MemberStatus.APPLIED), command, today=TODAY
    )


def test_rejection_after_today_is_refused() -> None:
    command = RejectApplication(rejected_on=TODAY + timedelta(days=1), reason="Ganda")

    refused(DateInFuture, reject_application, a_member(MemberStatus.APPLIED), command, today=TODAY)


# --- suspension ----------------------------------------------------------------


@pytest.mark.parametrize("status", [*NOT_ADMITTED, MemberStatus.SUSPENDED, MemberStatus.EXITED])
def test_only_an_active_member_can_be_suspended(status: MemberStatus) -> None:
    refused(MemberNotActive, suspend_member, a_member(status), SUSPEND, today=TODAY)


def test_suspension_before_admission_is_refused() -> None:
    command = SuspendMember(suspended_on=ADMITTED_ON - timedelta(days=1), reason="Menunggak")

    refused(DateOutOfOrder, suspend_member, a_member(), command, today=TODAY)


def test_suspension_before_the_last_reinstatement_is_refused() -> None:
    member = a_member(MemberStatus.SUSPENDED)
    member = fold_member(member, reinstate_member(member, REINSTATE, today=TODAY))
    command = SuspendMember(suspended_on=LATER - timedelta(days=1), reason="Menunggak")

    refused(DateOutOfOrder, suspend_member, member, command, today=TODAY)


def test_suspension_after_today_is_refused() -> None:
    command = SuspendMember(suspended_on=TODAY + timedelta(days=1), reason="Menunggak")

    refused(DateInFuture, suspend_member, a_member(), command, today=TODAY)


@pytest.mark.parametrize(
    ("reason", "error"), [("", RequiredFieldMissing), ("x" * 501, TextTooLong)]
)
def test_a_suspension_needs_a_reason_of_at_most_500_characters(
    reason: str, error: type[DomainError]
) -> None:
    command = SuspendMember(suspended_on=LATER, reason=reason)

    refused(error, suspend_member, a_member(), command, today=TODAY)


# --- reinstatement -------------------------------------------------------------


@pytest.mark.parametrize("status", [*NOT_ADMITTED, MemberStatus.ADMITTED, MemberStatus.EXITED])
def test_only_a_suspended_member_can_be_reinstated(status: MemberStatus) -> None:
    refused(MemberNotSuspended, reinstate_member, a_member(status), REINSTATE, today=TODAY)


def test_reinstatement_before_the_suspension_is_refused() -> None:
    command = ReinstateMember(reinstated_on=SUSPENDED_ON - timedelta(days=1))

    refused(
        DateOutOfOrder, reinstate_member, a_member(MemberStatus.SUSPENDED), command, today=TODAY
    )


def test_reinstatement_after_today_is_refused() -> None:
    command = ReinstateMember(reinstated_on=TODAY + timedelta(days=1))

    refused(DateInFuture, reinstate_member, a_member(MemberStatus.SUSPENDED), command, today=TODAY)


# --- exit ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [*NOT_ADMITTED, MemberStatus.EXITED])
def test_only_an_admitted_or_suspended_member_can_exit(status: MemberStatus) -> None:
    refused(NotAMember, exit_member, a_member(status), EXIT, today=TODAY)


def test_exit_before_admission_is_refused() -> None:
    command = ExitMember(exited_on=ADMITTED_ON - timedelta(days=1), reason=ExitReason.RESIGNED)

    refused(DateOutOfOrder, exit_member, a_member(), command, today=TODAY)


def test_exit_after_today_is_refused() -> None:
    command = ExitMember(exited_on=TODAY + timedelta(days=1), reason=ExitReason.RESIGNED)

    refused(DateInFuture, exit_member, a_member(), command, today=TODAY)


def test_an_exit_note_longer_than_500_characters_is_refused() -> None:
    command = ExitMember(exited_on=LATER, reason=ExitReason.OTHER, note="x" * 501)

    refused(TextTooLong, exit_member, a_member(), command, today=TODAY)


def test_a_blank_exit_note_is_dropped() -> None:
    command = ExitMember(exited_on=LATER, reason=ExitReason.OTHER, note="  ")

    (event,) = exit_member(a_member(), command, today=TODAY)

    assert isinstance(event, MemberExited)
    assert event.note is None


# --- replay --------------------------------------------------------------------


def test_replaying_the_stream_gives_the_same_state() -> None:
    coop = a_cooperative()
    events = list(apply(coop))
    member = fold_member(None, events)
    steps: list[tuple[Decider, object]] = [(admit_member, ADMIT), (exit_member, EXIT)]
    for decide, command in steps:
        new = decide(member, command, today=TODAY)
        events += new
        member = fold_member(member, new)

    assert replay_member(events) == member
    assert replay_member([]) is None


def test_a_stream_that_does_not_start_with_the_application_cannot_be_folded() -> None:
    member = a_member(MemberStatus.APPLIED)
    (admitted,) = admit_member(member, ADMIT, today=TODAY)
    (applied,) = apply(a_cooperative())

    with pytest.raises(EventSequenceError):
        evolve_member(None, admitted)
    with pytest.raises(EventSequenceError):
        evolve_member(member, applied)
