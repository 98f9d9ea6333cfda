"""Use cases of the members service. Each: load, decide (pure domain), save.

The caller runs each inside one transaction (the HTTP edge's ``Runner``, which also
owns the Idempotency-Key) and passes its connection and the command's ``Provenance``.
Storage and the NIK's protection are ports (``members.application.ports``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gotong_platform.calendar import Clock, today_in
from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from members.application.ports import CooperativeRepository, MemberRepository, NikProtection
from members.domain import (
    MIN_AGE_YEARS,
    AdmitMember,
    ApplyForMembership,
    Cooperative,
    CooperativeNotFound,
    DuplicateLegalRegistration,
    DuplicateNik,
    ExitMember,
    JoinFederation,
    LeaveFederation,
    Member,
    MemberNotFound,
    RegisterCooperative,
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
    suspend_member,
)

__all__ = ["MemberCommand", "MembersService"]

MemberCommand = RejectApplication | SuspendMember | ReinstateMember | ExitMember


@dataclass(frozen=True)
class MembersService:
    cooperatives: CooperativeRepository
    members: MemberRepository
    nik: NikProtection
    clock: Clock
    min_age_years: int = MIN_AGE_YEARS

    async def register_cooperative(
        self, conn: DbConnection, command: RegisterCooperative, provenance: Provenance
    ) -> tuple[Cooperative, int]:
        number = command.legal_registration_number.strip()
        if await self.cooperatives.legal_number_taken(conn, number):
            raise DuplicateLegalRegistration(
                "Another cooperative is already registered under this legal registration number.")
        events = register_cooperative(None, command, cooperative_id=new_id("cooperative"),
                                      today=today_in(self.clock, command.time_zone))
        return await self.cooperatives.save(conn, None, 0, events, provenance)

    async def join_federation(
        self, conn: DbConnection, cooperative_id: str, command: JoinFederation,
        provenance: Provenance,
    ) -> tuple[Cooperative, int]:
        state, version = await self._cooperative(conn, cooperative_id)
        events = join_federation(state, command, today=self._today(state))
        return await self.cooperatives.save(conn, state, version, events, provenance)

    async def leave_federation(
        self, conn: DbConnection, cooperative_id: str, command: LeaveFederation,
        provenance: Provenance,
    ) -> tuple[Cooperative, int]:
        state, version = await self._cooperative(conn, cooperative_id)
        events = leave_federation(state, command, today=self._today(state))
        return await self.cooperatives.save(conn, state, version, events, provenance)

    async def apply(
        self, conn: DbConnection, command: ApplyForMembership, provenance: Provenance
    ) -> tuple[Member, int]:
        cooperative, _ = await self._cooperative(conn, command.cooperative_id)
        member_id = new_id("member")
        nik_hash = self.nik.hash(command.nik)
        events = apply_for_membership(
            None, command, member_id=member_id, cooperative=cooperative, nik_hash=nik_hash,
            today=self._today(cooperative), min_age_years=self.min_age_years,
        )
        member, version = await self.members.save(conn, None, 0, events, provenance)
        cipher = self.nik.encrypt(command.nik, associated=member_id)
        if not await self.members.store_nik(conn, member_id, cooperative.cooperative_id,
                                            nik_hash, cipher):
            raise DuplicateNik("Someone with this NIK already applied to or belongs to this "
                               "cooperative.")
        return member, version

    async def admit(
        self, conn: DbConnection, cooperative_id: str, member_id: str,
        admitted_on: date | None, provenance: Provenance,
    ) -> tuple[Member, int]:
        cooperative, _ = await self._cooperative(conn, cooperative_id)
        state, version = await self._member(conn, cooperative_id, member_id)
        today = self._today(cooperative)
        # Decide first with a placeholder so a refused admission burns no number.
        admit_member(state, AdmitMember(admitted_on=admitted_on, member_no="-"), today=today)
        number = await self.members.next_member_no(conn, cooperative_id)
        events = admit_member(state, AdmitMember(admitted_on=admitted_on, member_no=number),
                              today=today)
        return await self.members.save(conn, state, version, events, provenance)

    async def change(
        self, conn: DbConnection, cooperative_id: str, member_id: str,
        command: MemberCommand, provenance: Provenance,
    ) -> tuple[Member, int]:
        """Reject an application, suspend, reinstate or end a membership."""
        cooperative, _ = await self._cooperative(conn, cooperative_id)
        state, version = await self._member(conn, cooperative_id, member_id)
        today = self._today(cooperative)
        match command:
            case RejectApplication():
                events = reject_application(state, command, today=today)
            case SuspendMember():
                events = suspend_member(state, command, today=today)
            case ReinstateMember():
                events = reinstate_member(state, command, today=today)
            case ExitMember():
                events = exit_member(state, command, today=today)
        return await self.members.save(conn, state, version, events, provenance)

    def _today(self, cooperative: Cooperative) -> date:
        """The cooperative's business date now: a date a command leaves out is this one."""
        return today_in(self.clock, cooperative.time_zone)

    async def _cooperative(
        self, conn: DbConnection, cooperative_id: str
    ) -> tuple[Cooperative, int]:
        state, version = await self.cooperatives.load(conn, cooperative_id)
        if state is None:
            raise CooperativeNotFound("No cooperative is registered under this id.")
        return state, version

    async def _member(
        self, conn: DbConnection, cooperative_id: str, member_id: str
    ) -> tuple[Member, int]:
        state, version = await self.members.load(conn, member_id)
        # A member of another cooperative is "not found", never "forbidden".
        if state is None or state.cooperative_id != cooperative_id:
            raise MemberNotFound("No member with this id in this cooperative.")
        return state, version
