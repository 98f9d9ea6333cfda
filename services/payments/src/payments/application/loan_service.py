"""Use cases of pinjaman: apply, then every later step of a loan, and its view as of today.

Each: load, decide (pure domain), save. Membership and the cooperative's loop come
from the local members directory (the members service's events); storage and the
directory are ports (``application.ports``).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from payments.application.calendar import BusinessCalendar
from payments.application.ports import Loans, MembersDirectory
from payments.domain import (
    ApplyForLoan,
    ApproveLoan,
    CloseLoan,
    Collectibility,
    DisburseLoan,
    Loan,
    LoanEvent,
    LoanNotFound,
    ReceiveRepayment,
    RejectLoan,
    RestructureLoan,
    WriteOffLoan,
    apply_for_loan,
    approve_loan,
    close_loan,
    collectibility,
    days_past_due,
    disburse_loan,
    receive_repayment,
    reject_loan,
    restructure_loan,
    write_off_loan,
)

__all__ = ["LoanChange", "LoanCommand", "LoanService", "LoanView", "view_of"]

LoanCommand = (
    ApproveLoan | RejectLoan | DisburseLoan | ReceiveRepayment | RestructureLoan | WriteOffLoan
    | CloseLoan
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanChange:
    """A loan after a command, its version, and the events the command recorded."""

    loan: Loan
    version: int
    events: tuple[LoanEvent, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanView:
    """A loan as of the cooperative's business date ``as_of``."""

    loan: Loan
    version: int
    as_of: date
    days_past_due: int
    collectibility: Collectibility


def view_of(loan: Loan, version: int, as_of: date) -> LoanView:
    """The loan as of ``as_of``: how late it is and its kolektibilitas."""
    late = days_past_due(loan, as_of)
    return LoanView(loan=loan, version=version, as_of=as_of, days_past_due=late,
                    collectibility=collectibility(late))


@dataclasses.dataclass(frozen=True)
class LoanService:
    repo: Loans
    directory: MembersDirectory
    calendar: BusinessCalendar

    async def apply(
        self, conn: DbConnection, cooperative_id: str, command: ApplyForLoan, origin: Provenance
    ) -> LoanChange:
        cooperative = await self.directory.cooperative(conn, cooperative_id)
        member = await self.directory.member(conn, command.member_id)
        is_member = (member is not None and member.cooperative_id == cooperative_id
                     and member.is_active)
        events = apply_for_loan(
            None, command, loan_id=new_id("loan"), cooperative_id=cooperative_id,
            borrower_is_member=is_member,
            # Unknown loop: closed, the lawful default (handbook §1.2).
            cooperative_is_closed_loop=cooperative.closed_loop if cooperative else True)
        return await self._save(conn, None, 0, events, origin)

    async def change(
        self, conn: DbConnection, cooperative_id: str, loan_id: str, command: LoanCommand,
        origin: Provenance,
    ) -> LoanChange:
        state, version = await self.loan(conn, cooperative_id, loan_id)
        match command:
            case ApproveLoan():
                events = approve_loan(state, command)
            case RejectLoan():
                events = reject_loan(state, command)
            case DisburseLoan():
                events = disburse_loan(state, command)
            case ReceiveRepayment():
                events = receive_repayment(state, command)
            case RestructureLoan():
                events = restructure_loan(state, command)
            case WriteOffLoan():
                events = write_off_loan(state, command)
            case CloseLoan():
                events = close_loan(state, command)
        return await self._save(conn, state, version, events, origin)

    async def view(self, conn: DbConnection, cooperative_id: str, loan_id: str) -> LoanView:
        loan, version = await self.loan(conn, cooperative_id, loan_id)
        return view_of(loan, version, await self.calendar.today(conn, cooperative_id))

    async def loan(
        self, conn: DbConnection, cooperative_id: str, loan_id: str
    ) -> tuple[Loan, int]:
        state, version = await self.repo.load(conn, loan_id)
        # A loan of another cooperative is "not found", never "forbidden".
        if state is None or state.cooperative_id != cooperative_id:
            raise LoanNotFound("No loan with this id in this cooperative.")
        return state, version

    async def _save(
        self, conn: DbConnection, state: Loan | None, version: int, events: list[LoanEvent],
        origin: Provenance,
    ) -> LoanChange:
        loan, version = await self.repo.save(conn, state, version, events, origin)
        return LoanChange(loan=loan, version=version, events=tuple(events))
