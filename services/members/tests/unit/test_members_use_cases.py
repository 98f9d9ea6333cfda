"""The members use cases against in-memory fakes of their ports: no database, same rules."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest
from members_builders import a_nik, a_registration, an_application
from members_fakes import (
    NO_CONNECTION,
    InMemoryCooperatives,
    InMemoryDatabase,
    InMemoryMembers,
    NikRow,
    ReadableNik,
)

from gotong_platform.calendar import FixedClock
from gotong_platform.provenance import CommandMeta, Provenance
from members.application.service import MembersService
from members.domain import (
    ApplicationNotPending,
    Cooperative,
    CooperativeNotFound,
    DuplicateLegalRegistration,
    DuplicateNik,
    Gender,
    JoinFederation,
    MemberApplied,
    MemberNotFound,
    MemberStatus,
    RejectApplication,
    TimeZone,
)

pytestmark = pytest.mark.unit

# 23:30 in WIB is already the next day in WITA and WIT.
NOW = datetime(2026, 11, 18, 23, 30, tzinfo=timezone(timedelta(hours=7)))
PROVENANCE = Provenance(CommandMeta(actor="user-test", command_id="key-1",
                                    correlation_id=uuid.UUID(int=1), traceparent=None,
                                    tracestate=None))
T = TypeVar("T")


class Members:
    """The use cases on fakes; each call runs in a transaction, as the HTTP edge runs it."""

    def __init__(self, **settings: Any) -> None:
        self.db = InMemoryDatabase()
        self.service = MembersService(cooperatives=InMemoryCooperatives(self.db),
                                      members=InMemoryMembers(self.db), nik=ReadableNik(),
                                      clock=FixedClock(NOW), **settings)

    async def run(self, use_case: Callable[..., Awaitable[T]], *args: Any) -> T:
        with self.db.transaction():
            return await use_case(NO_CONNECTION, *args, PROVENANCE)

    async def cooperative(self, number: str = "AHU-1", **registration: Any) -> Cooperative:
        """A cooperative of the federation since 2020."""
        command = a_registration(legal_registration_number=number, **registration)
        coop, _ = await self.run(self.service.register_cooperative, command)
        joined, _ = await self.run(self.service.join_federation, coop.cooperative_id,
                                   JoinFederation(effective_date=date(2020, 1, 1)))
        return joined

    async def applicant(self, cooperative_id: str, sequence: str = "0001") -> str:
        nik = a_nik(gender=Gender.PEREMPUAN, sequence=sequence)
        member, _ = await self.run(self.service.apply, an_application(cooperative_id, nik=nik))
        return member.member_id


async def test_a_date_left_out_is_today_in_the_cooperatives_own_zone() -> None:
    members = Members()
    service = members.service

    wib, _ = await members.run(service.register_cooperative, a_registration(
        legal_registration_number="AHU-WIB", time_zone=TimeZone.WIB, registered_on=None))
    wit, _ = await members.run(service.register_cooperative, a_registration(
        legal_registration_number="AHU-WIT", time_zone=TimeZone.WIT, registered_on=None))
    joined, version = await members.run(service.join_federation, wit.cooperative_id,
                                        JoinFederation())

    assert wib.registered_on == date(2026, 11, 18)
    assert wit.registered_on == date(2026, 11, 19)
    assert joined.current_period is not None
    assert joined.current_period.joined_on == date(2026, 11, 19)
    assert version == 2


async def test_member_numbers_count_per_cooperative_and_a_refused_admission_takes_none(
) -> None:
    members = Members()
    service = members.service
    tani = (await members.cooperative("AHU-1")).cooperative_id
    nelayan = (await members.cooperative("AHU-2")).cooperative_id
    first, rejected = await members.applicant(tani, "0001"), await members.applicant(tani, "0002")
    await members.run(service.change, tani, rejected, RejectApplication(reason="Pindah"))

    with pytest.raises(ApplicationNotPending):
        await members.run(service.admit, tani, rejected, None)
    admitted, _ = await members.run(service.admit, tani, first, None)
    elsewhere, _ = await members.run(service.admit, nelayan,
                                     await members.applicant(nelayan), None)
    later, _ = await members.run(service.admit, tani, await members.applicant(tani, "0003"),
                                 date(2026, 1, 5))

    assert (admitted.member_no, admitted.status) == ("00001", MemberStatus.ADMITTED)
    assert admitted.admitted_on == date(2026, 11, 18)  # the WIB cooperative's today
    assert elsewhere.member_no == "00001"
    assert (later.member_no, later.admitted_on) == ("00002", date(2026, 1, 5))


async def test_an_open_membership_holds_its_nik_until_it_is_rejected_or_ends() -> None:
    members = Members()
    service = members.service
    tani = (await members.cooperative("AHU-1")).cooperative_id
    nelayan = (await members.cooperative("AHU-2")).cooperative_id
    first = await members.applicant(tani)

    with pytest.raises(DuplicateNik):
        await members.applicant(tani)
    streams_after_refusal = set(members.db.tables.members)
    await members.applicant(nelayan)  # another cooperative: its own register
    await members.run(service.change, tani, first, RejectApplication(reason="Pindah"))
    again = await members.applicant(tani)

    assert streams_after_refusal == {first}  # the refused application wrote nothing
    assert again != first


async def test_the_nik_is_kept_as_its_hash_and_its_cipher_bound_to_the_member() -> None:
    members = Members()
    tani = (await members.cooperative()).cooperative_id
    nik = a_nik(gender=Gender.PEREMPUAN)

    member_id = await members.applicant(tani)

    (applied,) = members.db.tables.members[member_id]
    assert isinstance(applied, MemberApplied)
    assert applied.nik_hash == f"hash-of-{nik}"
    assert members.db.tables.niks[member_id] == NikRow(tani, f"hash-of-{nik}",
                                                       f"{member_id}:{nik}".encode())


async def test_a_legal_registration_number_registers_one_cooperative() -> None:
    members = Members()
    await members.cooperative("AHU-0001234")

    with pytest.raises(DuplicateLegalRegistration):
        await members.cooperative("  AHU-0001234 ")
    assert len(members.db.tables.cooperatives) == 1


async def test_a_member_is_found_only_through_its_own_cooperative() -> None:
    members = Members()
    service = members.service
    tani = (await members.cooperative("AHU-1")).cooperative_id
    nelayan = (await members.cooperative("AHU-2")).cooperative_id
    member_id = await members.applicant(tani)

    with pytest.raises(MemberNotFound):
        await members.run(service.admit, nelayan, member_id, None)
    with pytest.raises(CooperativeNotFound):
        await members.run(service.change, "cooperative-unknown", member_id,
                          RejectApplication(reason="Pindah"))
    member, version = await service.members.load(NO_CONNECTION, member_id)
    assert member is not None
    assert (member.status, version) == (MemberStatus.APPLIED, 1)
