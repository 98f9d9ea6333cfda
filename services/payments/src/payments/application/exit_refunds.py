"""Refunding simpanan pokok and wajib to a member who left, minus what they still owe.

What they owe is the outstanding principal, interest and penalty of their active loans
(the penalty a repayment on the exit date would charge included). The savings pay it
off first, oldest loan first, as repayments with channel ``refund_offset``; the rest is
paid out (``payments.domain.exit_refund``). Wajib arrears are not deducted: paying them
from the refund would only move money into the wajib account being refunded.

Both accounts are emptied by ``SavingsRefunded``. The handbook (§1.2) wants a manager's
approval of the refund; until that step exists (a follow-up) the refund is prepared and
approved by the system under two distinct names, which the four-eyes check requires.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.db import DbConnection
from payments.adapters.events import Origin
from payments.adapters.records_repository import RecordsRepository
from payments.application.events import MemberExitRefunded
from payments.application.loan_service import LoanService
from payments.application.savings_service import SavingsService, account_id_for
from payments.domain import (
    Loan,
    ReceiveRepayment,
    RefundSavings,
    RepaymentChannel,
    SavingsAccount,
    SavingsType,
    exit_refund,
    refund_savings,
)
from payments.domain.repayment import penalty_charges

__all__ = ["REFUND_APPROVED_BY", "REFUND_PREPARED_BY", "ExitRefunds"]

REFUND_PREPARED_BY = "system:exit-refund"
REFUND_APPROVED_BY = "system:exit-refund-auto-approval"
_REASON = "member exited: simpanan pokok and wajib refunded, debts offset first"


def owed_on(loan: Loan, day: date) -> int:
    """Everything still owed on ``loan`` if it were settled on ``day``."""
    charged = penalty_charges(loan.instalments, loan.penalty_bp_per_month, day)
    return loan.outstanding_idr + sum(c.penalty_idr for c in charged)


@dataclasses.dataclass(frozen=True)
class ExitRefunds:
    savings: SavingsService
    loans: LoanService
    records: RecordsRepository

    async def refund(
        self, conn: DbConnection, cooperative_id: str, member_id: str, exited_on: date,
        origin: Origin,
    ) -> bool:
        """Refund once; False when already refunded or the member never had accounts."""
        pokok = await self._account(conn, cooperative_id, member_id, SavingsType.POKOK)
        wajib = await self._account(conn, cooperative_id, member_id, SavingsType.WAJIB)
        if pokok is None or wajib is None:
            return False
        debts = await self._debts(conn, cooperative_id, member_id, exited_on)
        plan = exit_refund(pokok[0].balance_idr, wajib[0].balance_idr,
                           sum(owed for _, owed in debts))
        event = MemberExitRefunded(
            cooperative_id=cooperative_id, member_id=member_id,
            pokok_idr=pokok[0].balance_idr, wajib_idr=wajib[0].balance_idr,
            offset_idr=plan.offset_idr, refund_idr=plan.refund_idr,
            unrecovered_idr=plan.unrecovered_idr, business_date=exited_on)
        if not await self.records.save_exit_refund(conn, event, origin):
            return False
        left = plan.offset_idr
        for loan, owed in debts:
            if (amount := min(left, owed)) > 0:
                await self.loans.change(conn, cooperative_id, loan.loan_id, ReceiveRepayment(
                    amount_idr=amount, paid_on=exited_on, channel=RepaymentChannel.REFUND_OFFSET,
                    reference=f"refund-{member_id}"), origin)
                left -= amount
        for state, version in (pokok, wajib):
            await self._empty(conn, state, version, exited_on, origin)
        return True

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
    ) -> tuple[SavingsAccount, int] | None:
        state, version = await self.savings.repo.load(conn, account_id_for(member_id, kind))
        if state is None or state.cooperative_id != cooperative_id:
            return None
        return state, version

    async def _empty(
        self, conn: DbConnection, account: SavingsAccount, version: int, day: date,
        origin: Origin,
    ) -> None:
        if account.balance_idr == 0:
            return
        events = refund_savings(account, RefundSavings(
            amount_idr=account.balance_idr, business_date=max(day, account.opened_on),
            reason=_REASON, requested_by=REFUND_PREPARED_BY, approved_by=REFUND_APPROVED_BY),
            member_has_exited=True)
        await self.savings.repo.save(conn, account, version, events, origin)
