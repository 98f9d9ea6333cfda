"""A member (anggota) of one cooperative, as a decider.

Lifecycle (REJECTED and EXITED are final)::

    apply            admit              suspend
    ─────▶ APPLIED ─────────▶ ADMITTED ─────────▶ SUSPENDED
              │                 │  ◀─────────────    │
              │ reject          │ exit   reinstate   │ exit
              ▼                 ▼                    │
           REJECTED           EXITED ◀───────────────┘

Command functions take the current state (``None`` before the application), the
command and the cooperative's business date ``today``; they return the new events or
raise the error that names the broken rule. ``evolve_member`` applies one event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import assert_never

from gotong_platform.domain import replay
from members.domain import checks, region
from members.domain.commands import (
    AdmitMember,
    ApplyForMembership,
    ExitMember,
    ReinstateMember,
    RejectApplication,
    SuspendMember,
)
from members.domain.cooperative import Cooperative
from members.domain.errors import (
    ApplicantTooYoung,
    ApplicationNotPending,
    CooperativeNotInFederation,
    EventSequenceError,
    InvalidBirthDate,
    MemberAlreadyExists,
    MemberNotActive,
    MemberNotFound,
    MemberNotSuspended,
    NotAMember,
    VillageOutsideRegency,
)
from members.domain.events import (
    MemberAdmitted,
    MemberApplicationRejected,
    MemberApplied,
    MemberEvent,
    MemberExited,
    MemberReinstated,
    MemberSuspended,
)
from members.domain.nik import check_nik_matches
from members.domain.values import ExitReason, Gender, MemberStatus

__all__ = [
    "MIN_AGE_YEARS",
    "Member",
    "admit_member",
    "apply_for_membership",
    "evolve_member",
    "exit_member",
    "reinstate_member",
    "reject_application",
    "replay_member",
    "suspend_member",
]

# 17 is the age at which an Indonesian receives a KTP and so a checked NIK (UU 24/2013
# Adminduk, Pasal 63). It is a parameter, not a constant rule: UU 25/1992 Pasal 18 asks
# only that a member be able to perform legal acts as the AD/ART defines it, some AD/ART
# ask 18 or 21, and a person married before 17 also holds a KTP.
MIN_AGE_YEARS = 17

NAME_MAX = 200
OCCUPATION_MAX = 100
MEMBER_NO_MAX = 50
TEXT_MAX = 500


# --- state ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class Member:
    """What the deciders need to know about one member; the rest stays in the events."""

    member_id: str
    cooperative_id: str
    status: MemberStatus
    status_since: date  # effective date of the latest status change
    gender: Gender
    birth_date: date
    village_code: str
    applied_on: date
    member_no: str | None = None
    admitted_on: date | None = None
    suspended_on: date | None = None  # the latest suspension
    rejected_on: date | None = None
    exited_on: date | None = None
    exit_reason: ExitReason | None = None


# --- deciders ------------------------------------------------------------------


def apply_for_membership(
    state: Member | None,
    command: ApplyForMembership,
    *,
    member_id: str,
    cooperative: Cooperative,
    nik_hash: str,
    today: date,
    min_age_years: int = MIN_AGE_YEARS,
) -> list[MemberEvent]:
    """Record an application to ``cooperative`` under ``member_id`` (the stream id).

    The NIK is checked against the stated gender and birth date, then dropped: the
    event carries ``nik_hash``, which the caller computes from the same NIK (a keyed
    hash, so that duplicates can be found without storing the number).
    """
    if state is not None:
        raise MemberAlreadyExists("An application is already recorded under this id.")
    # Programming errors of the caller, not a clerk's mistakes: hence plain ValueError.
    if command.cooperative_id != cooperative.cooperative_id:
        raise ValueError("the cooperative passed is not the one the command names")
    if not nik_hash:
        raise ValueError("nik_hash is empty: duplicate detection would silently stop working")
    full_name = checks.required_text(command.full_name, what="The full name", max_length=NAME_MAX)
    applied_on = checks.not_in_future(command.applied_on, what="The application date", today=today)
    _check_age(command.birth_date, applied_on, min_age_years)
    check_nik_matches(command.nik, birth_date=command.birth_date, gender=command.gender)
    village = region.village_code(command.village_code)
    occupation = checks.optional_text(
        command.occupation, what="The occupation", max_length=OCCUPATION_MAX
    )
    if not village.startswith(cooperative.regency_code):
        raise VillageOutsideRegency(
            f"The village {village} lies outside the cooperative's regency "
            f"{cooperative.regency_code}; its code must start with {cooperative.regency_code}."
        )
    if not cooperative.is_federation_member(applied_on):
        raise CooperativeNotInFederation(
            f"The cooperative {cooperative.name!r} was not a member of the federation on "
            f"{applied_on.isoformat()}, so it cannot take applications for that day."
        )
    return [
        MemberApplied(
            member_id=member_id,
            cooperative_id=cooperative.cooperative_id,
            full_name=full_name,
            nik_hash=nik_hash,
            gender=command.gender,
            birth_date=command.birth_date,
            village_code=village,
            occupation=occupation,
            applied_on=applied_on,
        )
    ]


def _check_age(birth_date: date, applied_on: date, min_age_years: int) -> None:
    if birth_date > applied_on:
        raise InvalidBirthDate(
            f"The birth date ({birth_date.isoformat()}) is after the application date "
            f"({applied_on.isoformat()})."
        )
    if _age_on(birth_date, applied_on) < min_age_years:
        raise ApplicantTooYoung(
            f"The applicant must be at least {min_age_years} years old on the application "
            f"date ({applied_on.isoformat()})."
        )


def _age_on(birth_date: date, day: date) -> int:
    """Completed years; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def admit_member(state: Member | None, command: AdmitMember, *, today: date) -> list[MemberEvent]:
    """Admit a pending applicant as an anggota with the given member number.

    The member number's uniqueness within the cooperative is the caller's to ensure:
    this stream sees one member only.
    """
    member = _existing(state)
    day = checks.not_in_future(command.admitted_on, what="The admission date", today=today)
    member_no = checks.required_text(
        command.member_no, what="The member number", max_length=MEMBER_NO_MAX
    )
    if member.status is not MemberStatus.APPLIED:
        raise ApplicationNotPending(f"Only a pending application can be admitted; {_now(member)}.")
    checks.not_before(
        day, member.applied_on, what="The admission date", earlier_step="the application"
    )
    return [
        MemberAdmitted(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            member_no=member_no,
            admitted_on=day,
        )
    ]


def reject_application(
    state: Member | None, command: RejectApplication, *, today: date
) -> list[MemberEvent]:
    """Refuse a pending application, giving the reason."""
    member = _existing(state)
    day = checks.not_in_future(command.rejected_on, what="The rejection date", today=today)
    reason = checks.required_text(
        command.reason, what="The reason for rejection", max_length=TEXT_MAX
    )
    if member.status is not MemberStatus.APPLIED:
        raise ApplicationNotPending(f"Only a pending application can be rejected; {_now(member)}.")
    checks.not_before(
        day, member.applied_on, what="The rejection date", earlier_step="the application"
    )
    return [
        MemberApplicationRejected(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            rejected_on=day,
            reason=reason,
        )
    ]


def suspend_member(
    state: Member | None, command: SuspendMember, *, today: date
) -> list[MemberEvent]:
    """Put an active member's rights on hold, giving the reason."""
    member = _existing(state)
    day = checks.not_in_future(command.suspended_on, what="The suspension date", today=today)
    reason = checks.required_text(
        command.reason, what="The reason for suspension", max_length=TEXT_MAX
    )
    if member.status is not MemberStatus.ADMITTED:
        raise MemberNotActive(f"Only an active member can be suspended; {_now(member)}.")
    checks.not_before(
        day,
        member.status_since,
        what="The suspension date",
        earlier_step="the day the member became active",
    )
    return [
        MemberSuspended(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            suspended_on=day,
            reason=reason,
        )
    ]


def reinstate_member(
    state: Member | None, command: ReinstateMember, *, today: date
) -> list[MemberEvent]:
    """Make a suspended member active again."""
    member = _existing(state)
    day = checks.not_in_future(command.reinstated_on, what="The reinstatement date", today=today)
    if member.status is not MemberStatus.SUSPENDED:
        raise MemberNotSuspended(f"Only a suspended member can be reinstated; {_now(member)}.")
    checks.not_before(
        day, member.status_since, what="The reinstatement date", earlier_step="the suspension"
    )
    return [
        MemberReinstated(
            member_id=member.member_id, cooperative_id=member.cooperative_id, reinstated_on=day
        )
    ]


def exit_member(state: Member | None, command: ExitMember, *, today: date) -> list[MemberEvent]:
    """End an admitted or suspended membership.

    The exit date need only follow the admission, not a later suspension: a death or a
    resignation is often recorded after the member was suspended for it.
    """
    member = _existing(state)
    day = checks.not_in_future(command.exited_on, what="The exit date", today=today)
    note = checks.optional_text(command.note, what="The note", max_length=TEXT_MAX)
    if member.status not in (MemberStatus.ADMITTED, MemberStatus.SUSPENDED):
        raise NotAMember(f"Only an admitted or suspended member can exit; {_now(member)}.")
    if member.admitted_on is None:  # unreachable: every admitted member has the date
        raise EventSequenceError("an admitted member without an admission date")
    checks.not_before(day, member.admitted_on, what="The exit date", earlier_step="the admission")
    return [
        MemberExited(
            member_id=member.member_id,
            cooperative_id=member.cooperative_id,
            exited_on=day,
            reason=command.reason,
            note=note,
        )
    ]


def _existing(state: Member | None) -> Member:
    if state is None:
        raise MemberNotFound("No membership application is recorded under this id.")
    return state


def _now(member: Member) -> str:
    """Where the member stands, as the second half of a clerk's sentence."""
    since = member.status_since.isoformat()
    match member.status:
        case MemberStatus.APPLIED:
            return f"this application has been pending since {since}"
        case MemberStatus.ADMITTED:
            return f"this person has been an active member since {since}"
        case MemberStatus.SUSPENDED:
            return f"this member has been suspended since {since}"
        case MemberStatus.REJECTED:
            return f"this application was rejected on {since}"
        case MemberStatus.EXITED:
            return f"this member left the cooperative on {since}"
        case _:
            assert_never(member.status)


# --- evolution -----------------------------------------------------------------


def evolve_member(state: Member | None, event: MemberEvent) -> Member:
    """The state after ``event``. Events are facts: nothing is checked but the stream order."""
    if isinstance(event, MemberApplied):
        if state is not None:
            raise EventSequenceError("MemberApplied in an existing stream")
        return Member(
            member_id=event.member_id,
            cooperative_id=event.cooperative_id,
            status=MemberStatus.APPLIED,
            status_since=event.applied_on,
            gender=event.gender,
            birth_date=event.birth_date,
            village_code=event.village_code,
            applied_on=event.applied_on,
        )
    if state is None:
        raise EventSequenceError(f"{event.event_type} before MemberApplied")
    match event:
        case MemberAdmitted():
            return dataclasses.replace(
                state,
                status=MemberStatus.ADMITTED,
                status_since=event.admitted_on,
                member_no=event.member_no,
                admitted_on=event.admitted_on,
            )
        case MemberApplicationRejected():
            return dataclasses.replace(
                state,
                status=MemberStatus.REJECTED,
                status_since=event.rejected_on,
                rejected_on=event.rejected_on,
            )
        case MemberSuspended():
            return dataclasses.replace(
                state,
                status=MemberStatus.SUSPENDED,
                status_since=event.suspended_on,
                suspended_on=event.suspended_on,
            )
        case MemberReinstated():
            return dataclasses.replace(
                state, status=MemberStatus.ADMITTED, status_since=event.reinstated_on
            )
        case MemberExited():
            return dataclasses.replace(
                state,
                status=MemberStatus.EXITED,
                status_since=event.exited_on,
                exited_on=event.exited_on,
                exit_reason=event.reason,
            )
        case _:
            assert_never(event)


def replay_member(events: Iterable[MemberEvent]) -> Member | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_member, events)
