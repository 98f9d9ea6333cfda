"""Use cases of the members service. Each: load, decide (pure domain), save.

The caller runs each inside ``gotong_platform.commands.execute_command``,
which owns the transaction and the Idempotency-Key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gotong_platform.calendar import Clock, today_in
from gotong_platform.commands import CommandMeta
from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from members.adapters.pii import NikProtector
from members.adapters.repository import MembersRepository
from members.application.errors import DuplicateLegalRegistration, DuplicateNik
from members.domain import (
    AdmitMember,
    ApplyForMembership,
    Cooperative,
    CooperativeEvent,
    CooperativeNotFound,
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
    evolve_cooperative,
    exit_member,
    join_federation,
    leave_federation,
    register_cooperative,
    reinstate_member,
    reject_application,
    suspend_member,
)
from members.domain.values import TimeZone

__all__ = ["MemberCommand", "MembersService"]

MemberCommand = RejectApplication | SuspendMember | ReinstateMember | ExitMember


@dataclass(frozen=True)
class MembersService:
    repo: MembersRepository
    nik: NikProtector
    min_age_years: int

    @property
    def clock(self) -> Clock:
        return self.repo.store.clock

    def today_in(self, time_zone: TimeZone) -> date:
        """The cooperative's business date now, on the service's clock."""
        return today_in(self.clock, time_zone)

    async def register_cooperative(
        self, conn: DbConnection, command: RegisterCooperative, meta: CommandMeta
    ) -> tuple[Cooperative, int]:
        if await self.repo.legal_number_taken(conn, command.legal_registration_number.strip()):
            raise DuplicateLegalRegistration(
                "Another cooperative is already registered under this legal registration number.")
        cooperative_id = new_id("cooperative")
        events = register_cooperative(None, command, cooperative_id=cooperative_id,
                                      today=self.today_in(command.time_zone))
        return await self._save_cooperative(conn, None, 0, events, meta)

    async def join_federation(
        self, conn: DbConnection, cooperative_id: str, command: JoinFederation,
        meta: CommandMeta,
    ) -> tuple[Cooperative, int]:
        state, version = await self._cooperative(conn, cooperative_id)
        events = join_federation(state, command, today=self.today_in(state.time_zone))
        return await self._save_cooperative(conn, state, version, events, meta)

    async def leave_federation(
        self, conn: DbConnection, cooperative_id: str, command: LeaveFederation,
        meta: CommandMeta,
    ) -> tuple[Cooperative, int]:
        state, version = await self._cooperative(conn, cooperative_id)
        events = leave_federation(state, command, today=self.today_in(state.time_zone))
        return await self._save_cooperative(conn, state, version, events, meta)

    async def apply(
        self, conn: DbConnection, command: ApplyForMembership, meta: CommandMeta
    ) -> tuple[Member, int]:
        cooperative, _ = await self._cooperative(conn, command.cooperative_id)
        member_id = new_id("member")
        nik_hash = self.nik.hash(command.nik)
        events = apply_for_membership(
            None, command, member_id=member_id, cooperative=cooperative, nik_hash=nik_hash,
            today=self.today_in(cooperative.time_zone), min_age_years=self.min_age_years,
        )
        member, version = await self.repo.save_member(conn, None, 0, events, meta,
                                                      full_name=command.full_name.strip())
        cipher = self.nik.encrypt(command.nik, associated=member_id)
        if not await self.repo.store_nik(conn, member_id, cooperative.cooperative_id, nik_hash,
                                         cipher):
            raise DuplicateNik("Someone with this NIK already applied to or belongs to this "
                               "cooperative.")
        return member, version

    async def admit(
        self, conn: DbConnection, cooperative_id: str, member_id: str,
        admitted_on: date | None, meta: CommandMeta,
    ) -> tuple[Member, int]:
        cooperative, _ = await self._cooperative(conn, cooperative_id)
        state, version = await self._member(conn, cooperative_id, member_id)
        today = self.today_in(cooperative.time_zone)
        # Decide first with a placeholder so a refused admission burns no number.
        admit_member(state, AdmitMember(admitted_on=admitted_on or today, member_no="-"),
                     today=today)
        number = await self.repo.next_member_no(conn, cooperative_id)
        events = admit_member(state, AdmitMember(admitted_on=admitted_on or today,
                                                 member_no=number), today=today)
        return await self.repo.save_member(conn, state, version, events, meta)

    async def change(
        self, conn: DbConnection, cooperative_id: str, member_id: str,
        command: MemberCommand, meta: CommandMeta,
    ) -> tuple[Member, int]:
        cooperative, _ = await self._cooperative(conn, cooperative_id)
        state, version = await self._member(conn, cooperative_id, member_id)
        today = self.today_in(cooperative.time_zone)
        match command:
            case RejectApplication():
                events = reject_application(state, command, today=today)
            case SuspendMember():
                events = suspend_member(state, command, today=today)
            case ReinstateMember():
                events = reinstate_member(state, command, today=today)
            case ExitMember():
                events = exit_member(state, command, today=today)
        return await self.repo.save_member(conn, state, version, events, meta)

    async def _cooperative(
        self, conn: DbConnection, cooperative_id: str
    ) -> tuple[Cooperative, int]:
        state, version = await self.repo.load_cooperative(conn, cooperative_id)
        if state is None:
            raise CooperativeNotFound("No cooperative is registered under this id.")
        return state, version

    async def _member(
        self, conn: DbConnection, cooperative_id: str, member_id: str
    ) -> tuple[Member, int]:
        state, version = await self.repo.load_member(conn, member_id)
        # A member of another cooperative is "not found", never "forbidden".
        if state is None or state.cooperative_id != cooperative_id:
            raise MemberNotFound("No member with this id in this cooperative.")
        return state, version

    async def _save_cooperative(
        self, conn: DbConnection, state: Cooperative | None, version: int,
        events: list[CooperativeEvent], meta: CommandMeta,
    ) -> tuple[Cooperative, int]:
        new_state = state
        for e in events:
            new_state = evolve_cooperative(new_state, e)
        if new_state is None:
            raise ValueError("no events to save")
        version = await self.repo.save_cooperative(conn, new_state, version, events, meta)
        return new_state, version
