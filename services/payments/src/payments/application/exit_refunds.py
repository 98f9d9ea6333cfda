"""Refunding simpanan pokok and wajib to a member who left, minus what they still owe.

What they owe is the outstanding principal, interest and penalty of their active loans
(the penalty a repayment on the exit date would charge included). The savings pay it
off first, oldest loan first, as repayments with channel ``refund_offset``; the rest is
paid out (``payments.domain.exit_refund``). Wajib arrears are not deducted: paying them
from the refund would only move money into the wajib account being refunded.

Maker-checker (handbook §1.2: a refund needs the manager's approval; §2 row 19). The
member's exit (``MemberExited``) only *prepares* the refund: ``ExitRefundPrepared``
with the figures as of the exit date, visible at ``GET .../exit-refund`` as
``pending``; nothing moves. A coop_admin who did not record the exit approves it
(``approve``): only then are the figures computed again as of the exit date (a
repayment or a deposit recorded since changes them), the loans offset, both accounts
emptied by ``SavingsRefunded`` and ``MemberExitRefunded`` published. The offsets and
refunds keep the exit date as their business date: the member's capital is settled as
of the day she left, so no penalty accrues while the refund waits for approval.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from payments.application.errors import ExitRefundNotFound
from payments.application.loan_service import LoanService
from payments.application.ports import ExitRefundRecords
from payments.application.savings_service import SavingsService, account_id_for
from payments.domain import (
    ExitRefundPrepared,
    Loan,
    MemberExitRefunded,
    PreparedRefund,
    ReceiveRepayment,
    RefundPlan,
    RefundSavings,
    RepaymentChannel,
    SavingsAccount,
    SavingsType,
    approve_refund,
    exit_refund,
    refund_savings,
)
from payments.domain.repayment import penalty_charges

__all__ = ["UNKNOWN_EXIT_RECORDER", "ExitRefunds", "owed_on"]

# The maker of a refund whose exit event names nobody (any pengurus may then approve it).
UNKNOWN_EXIT_RECORDER = "system:unknown-exit-recorder"
_REASON = "member exited: simpanan pokok and wajib refunded, debts offset first"

Account = tuple[SavingsAccount, int]


def owed_on(loan: Loan, day: date) -> int:
    """Everything still owed on ``loan`` if it were settled on ``day``."""
    charged = penalty_charges(loan.instalments, loan.penalty_bp_per_month, day)
    return loan.outstanding_idr + sum(c.penalty_idr for c in charged)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Settlement:
    """What the refund would do on ``exited_on`` with the accounts and loans as they are."""

    pokok: Account
    wajib: Account
    debts: list[tuple[Loan, int]]
    plan: RefundPlan

    def figures(self) -> dict[str, int]:
        return {"pokok_idr": self.pokok[0].balance_idr, "wajib_idr": self.wajib[0].balance_idr,
                "offset_idr": self.plan.offset_idr, "refund_idr": self.plan.refund_idr,
                "unrecovered_idr": self.plan.unrecovered_idr}


@dataclasses.dataclass(frozen=True)
class ExitRefunds:
    """Prepare a leaving member's refund (on her exit), and pay it once approved."""

    savings: SavingsService
    loans: LoanService
    records: ExitRefundRecords

    async def prepare(
        self, conn: DbConnection, cooperative_id: str, member_id: str, exited_on: date,
        prepared_by: str, origin: Provenance,
    ) -> bool:
        """Prepare the refund once (pending); False when already prepared or the member
        never had accounts. ``prepared_by``: who recorded the exit (the maker)."""
        settlement = await self._settlement(conn, cooperative_id, member_id, exited_on)
        if settlement is None:
            return False
        event = ExitRefundPrepared(
            cooperative_id=cooperative_id, member_id=member_id, **settlement.figures(),
            business_date=exited_on, prepared_by=prepared_by)
        return await self.records.save_exit_refund_prepared(conn, event, origin)

    async def approve(
        self, conn: DbConnection, cooperative_id: str, member_id: str, approved_by: str,
        approved_on: date, origin: Provenance,
    ) -> dict[str, Any]:
        """Approve and pay the refund (the checker); the refund's row after it.

        Approving an approved refund changes nothing and answers the same row.
        """
        row = await self.records.exit_refund_for_update(conn, cooperative_id, member_id)
        if row is None:
            raise ExitRefundNotFound("No exit refund for this member in this cooperative.")
        refund = PreparedRefund(exited_on=row["business_date"],
                                prepared_by=row["prepared_by"] or UNKNOWN_EXIT_RECORDER,
                                approved_by=row["approved_by"])
        if not approve_refund(refund, approved_by=approved_by, approved_on=approved_on):
            return row
        exited_on: date = row["business_date"]
        settlement = await self._settlement(conn, cooperative_id, member_id, exited_on)
        if settlement is None:  # accounts never go away once opened
            raise ExitRefundNotFound("This member's savings accounts are not here.")
        approved = await self.records.save_exit_refund_approved(conn, MemberExitRefunded(
            cooperative_id=cooperative_id, member_id=member_id, **settlement.figures(),
            business_date=exited_on, approved_by=approved_by, approved_on=approved_on), origin)
        await self._offset(conn, cooperative_id, member_id, settlement, exited_on, origin)
        for state, version in (settlement.pokok, settlement.wajib):
            await self._empty(conn, state, version, exited_on, refund.prepared_by,
                              approved_by, origin)
        return approved

    async def _settlement(
        self, conn: DbConnection, cooperative_id: str, member_id: str, day: date
    ) -> _Settlement | None:
        pokok = await self._account(conn, cooperative_id, member_id, SavingsType.POKOK)
        wajib = await self._account(conn, cooperative_id, member_id, SavingsType.WAJIB)
        if pokok is None or wajib is None:
            return None
        debts = await self._debts(conn, cooperative_id, member_id, day)
        plan = exit_refund(pokok[0].balance_idr, wajib[0].balance_idr,
                           sum(owed for _, owed in debts))
        return _Settlement(pokok=pokok, wajib=wajib, debts=debts, plan=plan)

    async def _offset(
        self, conn: DbConnection, cooperative_id: str, member_id: str,
        settlement: _Settlement, day: date, origin: Provenance,
    ) -> None:
        """The savings pay the loans, oldest first, as repayments dated the exit."""
        left = settlement.plan.offset_idr
        for loan, owed in settlement.debts:
            if (amount := min(left, owed)) > 0:
                await self.loans.change(conn, cooperative_id, loan.loan_id, ReceiveRepayment(
                    amount_idr=amount, paid_on=day, channel=RepaymentChannel.REFUND_OFFSET,
                    reference=f"refund-{member_id}"), origin)
                left -= amount

    async def _debts(
        self, conn: DbConnection, cooperative_id: str, member_id: str, day: date
    ) -> list[tuple[Loan, int]]:
        debts = []
        for loan_id in await self.loans.repo.active_loans_of(conn, cooperative_id, member_id):
            loan, _ = await self.loans.loan(conn, cooperative_id, loan_id)
            # An exit dated before a disbursement cannot settle that loan on that day.
            if loan.disbursed_on is not None and loan.disbursed_on <= day:
                debts.append((loan, owed_on(loan, day)))
        return debts

    async def _account(
        self, conn: DbConnection, cooperative_id: str, member_id: str, kind: SavingsType
    ) -> Account | None:
        state, version = await self.savings.repo.load(conn, account_id_for(member_id, kind))
        if state is None or state.cooperative_id != cooperative_id:
            return None
        return state, version

    async def _empty(
        self, conn: DbConnection, account: SavingsAccount, version: int, day: date,
        prepared_by: str, approved_by: str, origin: Provenance,
    ) -> None:
        if account.balance_idr == 0:
            return
        events = refund_savings(account, RefundSavings(
            amount_idr=account.balance_idr, business_date=max(day, account.opened_on),
            reason=_REASON, requested_by=prepared_by, approved_by=approved_by),
            member_has_exited=True)
        await self.savings.repo.save(conn, account, version, events, origin)
