"""Readable test data for the members domain: valid by default, override what matters.

States are built by running the real deciders, so every state a test starts from is
one the domain can actually reach.

Why the odd names (``members_builders``, ``test_members_*.py``) and no ``__init__.py``:
``shared/tests`` is already a package called ``tests``, and pytest's default
("prepend") import mode names a test package after its top folder. A second ``tests``
package makes ``pytest`` from the repo root fail to import one of them. Without
``__init__.py`` each module is imported by its file name, so the names must be unique
across the repo; the ``members`` prefix keeps them so.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from members.domain import (
    AdmitMember,
    ApplyForMembership,
    Cooperative,
    CoopType,
    ExitMember,
    ExitReason,
    Gender,
    JoinFederation,
    LeaveFederation,
    Member,
    MemberEvent,
    MemberStatus,
    RegisterCooperative,
    RejectApplication,
    SuspendMember,
    TimeZone,
    admit_member,
    apply_for_membership,
    evolve_cooperative,
    evolve_member,
    exit_member,
    join_federation,
    leave_federation,
    register_cooperative,
    reject_application,
    suspend_member,
)

TODAY = date(2025, 6, 30)  # the cooperative's business date in every test
REGISTERED_ON = date(2010, 1, 15)
JOINED_ON = date(2020, 1, 1)
BIRTH_DATE = date(1990, 8, 17)
APPLIED_ON = date(2025, 3, 3)
ADMITTED_ON = date(2025, 3, 17)
SUSPENDED_ON = date(2025, 4, 14)
REJECTED_ON = date(2025, 3, 10)
EXITED_ON = date(2025, 5, 5)

REGENCY = "3204"  # Kab. Bandung, Jawa Barat
VILLAGE = "3204102001"



def new_id(kind: str) -> str:
    """A unique stream id per test, shaped like ``gotong_platform.ids.new_id``."""
    return f"{kind}-{uuid.uuid4()}"


def a_nik(
    *,
    birth_date: date = BIRTH_DATE,
    gender: Gender = Gender.LAKI_LAKI,
    regency: str = REGENCY,
    district: str = "10",
    sequence: str = "0001",
) -> str:
    """A well-formed NIK for this birth date and gender (women: day of birth + 40)."""
    day = birth_date.day + (40 if gender is Gender.PEREMPUAN else 0)
    birth = f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
    return f"{regency}{district}{birth}{sequence}"


# --- cooperatives ----------------------------------------------------------------


def a_registration(**overrides: Any) -> RegisterCooperative:
    fields: dict[str, Any] = {
        "name": "Koperasi Tani Makmur",
        "legal_registration_number": "AHU-0001234.AH.01.26.TAHUN 2019",
        "coop_type": CoopType.MULTI_PURPOSE,
        "province_code": "32",
        "regency_code": REGENCY,
        "time_zone": TimeZone.WIB,
        "fiscal_year_start_month": 1,
        "registered_on": REGISTERED_ON,
    }
    return RegisterCooperative(**(fields | overrides))


def a_registered_cooperative(**overrides: Any) -> Cooperative:
    """Registered with the platform, not (yet) in the federation."""
    events = register_cooperative(
        None, a_registration(**overrides), cooperative_id=new_id("cooperative"), today=TODAY
    )
    return fold_cooperative(None, events)


def a_cooperative(
    *, joined_on: date = JOINED_ON, left_on: date | None = None, **overrides: Any
) -> Cooperative:
    """A federation member since ``joined_on`` (and until ``left_on`` when given)."""
    coop = a_registered_cooperative(**overrides)
    coop = fold_cooperative(
        coop, join_federation(coop, JoinFederation(effective_date=joined_on), today=TODAY)
    )
    if left_on is not None:
        leave = LeaveFederation(effective_date=left_on, reason="Bergabung ke federasi lain")
        coop = fold_cooperative(coop, leave_federation(coop, leave, today=TODAY))
    return coop


def fold_cooperative(state: Cooperative | None, events: Iterable[Any]) -> Cooperative:
    for event in events:
        state = evolve_cooperative(state, event)
    assert state is not None
    return state


# --- members -------------------------------------------------------------------


def an_application(
    cooperative_id: str = "cooperative-test", **overrides: Any
) -> ApplyForMembership:
    """A valid application; the NIK follows the birth date and gender unless overridden."""
    fields: dict[str, Any] = {
        "cooperative_id": cooperative_id,
        "full_name": "Siti Aminah",
        "gender": Gender.PEREMPUAN,
        "birth_date": BIRTH_DATE,
        "village_code": VILLAGE,
        "occupation": "petani",
        "applied_on": APPLIED_ON,
    } | overrides
    fields.setdefault("nik", a_nik(birth_date=fields["birth_date"], gender=fields["gender"]))
    return ApplyForMembership(**fields)


def apply(
    cooperative: Cooperative, command: ApplyForMembership | None = None, **kwargs: Any
) -> list[MemberEvent]:
    """Run ``apply_for_membership`` with test defaults for everything but the command."""
    options: dict[str, Any] = {
        "member_id": new_id("member"),
        "nik_hash": "hmac-sha256:test",
        "today": TODAY,
    } | kwargs
    command = command or an_application(cooperative.cooperative_id)
    return apply_for_membership(None, command, cooperative=cooperative, **options)


def fold_member(state: Member | None, events: Iterable[MemberEvent]) -> Member:
    for event in events:
        state = evolve_member(state, event)
    assert state is not None
    return state


def a_member(status: MemberStatus = MemberStatus.ADMITTED, **application: Any) -> Member:
    """A member in ``status``, reached through the real commands on the default dates."""
    coop = a_cooperative()
    member = fold_member(None, apply(coop, an_application(coop.cooperative_id, **application)))
    steps: dict[MemberStatus, list[Callable[[Member], list[MemberEvent]]]] = {
        MemberStatus.APPLIED: [],
        MemberStatus.ADMITTED: [_admit],
        MemberStatus.REJECTED: [_reject],
        MemberStatus.SUSPENDED: [_admit, _suspend],
        MemberStatus.EXITED: [_admit, _exit],
    }
    for step in steps[status]:
        member = fold_member(member, step(member))
    assert member.status is status
    return member


def _admit(member: Member) -> list[MemberEvent]:
    command = AdmitMember(admitted_on=ADMITTED_ON, member_no="TM-0001")
    return admit_member(member, command, today=TODAY)


def _reject(member: Member) -> list[MemberEvent]:
    command = RejectApplication(rejected_on=REJECTED_ON, reason="Berdomisili di luar wilayah")
    return reject_application(member, command, today=TODAY)


def _suspend(member: Member) -> list[MemberEvent]:
    command = SuspendMember(suspended_on=SUSPENDED_ON, reason="Simpanan wajib menunggak 6 bulan")
    return suspend_member(member, command, today=TODAY)


def _exit(member: Member) -> list[MemberEvent]:
    command = ExitMember(exited_on=EXITED_ON, reason=ExitReason.RESIGNED)
    return exit_member(member, command, today=TODAY)
