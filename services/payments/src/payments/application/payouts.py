"""Paying a member for produce (a receipt in inventory), after deductions.

Deductions, in this order (``payments.domain.plan_payout`` caps them at the gross):

1. each active loan's instalments due by the receipt's business date (overdue ones and
   any due that day, with the penalty a repayment that day charges), oldest loan
   first; a cooperative may choose to take the rest of that month's too
   (``InstalmentHorizon`` in its savings policy);
2. the simpanan wajib arrears.

They become a ``LoanRepaymentReceived`` and a ``SavingsDeposited`` with channel
``produce_deduction``; ``net_paid + deductions == gross``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.contracts.inventory import ProduceReceivedFromMemberV1
from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from payments.application.loan_service import LoanService
from payments.application.ports import PayoutRecords
from payments.application.savings_service import SavingsService, account_id_for
from payments.domain import (
    DeductionRequest,
    DeductionType,
    DepositChannel,
    DepositSavings,
    PayoutPlan,
    ProducePayoutMade,
    ReceiveRepayment,
    RepaymentChannel,
    SavingsType,
    instalments_due,
    plan_payout,
    wajib_due,
)

__all__ = ["ProducePayouts"]


@dataclasses.dataclass(frozen=True)
class ProducePayouts:
    """Pay a member for the produce she brought, after what she owes is deducted."""

    savings: SavingsService
    loans: LoanService
    records: PayoutRecords

    async def pay(
        self, conn: DbConnection, receipt: ProduceReceivedFromMemberV1, origin: Provenance
    ) -> bool:
        """Pay the receipt out once; False when it was already paid (a repeated delivery)."""
        coop, member, day = receipt.cooperative_id, receipt.member_id, receipt.business_date
        requests = await self._deductions(conn, coop, member, day)
        plan = (plan_payout(receipt.amount_idr, requests) if receipt.amount_idr > 0
                else PayoutPlan(gross_idr=0, deductions_applied=(), net_paid_idr=0))
        event = ProducePayoutMade(
            cooperative_id=coop, payout_id=f"payout-{receipt.receipt_id}",
            receipt_id=receipt.receipt_id, member_id=member, gross_idr=plan.gross_idr,
            deductions=plan.deductions_applied, net_paid_idr=plan.net_paid_idr,
            business_date=day, product_id=receipt.product_id, net_qty_g=receipt.net_qty_g,
            grade=receipt.grade)
        if not await self.records.save_payout(conn, event, origin):
            return False
        for deduction in plan.deductions_applied:
            if deduction.applied_idr == 0:
                continue
            if deduction.deduction_type is DeductionType.LOAN_INSTALMENT:
                await self.loans.change(conn, coop, deduction.ref, ReceiveRepayment(
                    amount_idr=deduction.applied_idr, paid_on=day,
                    channel=RepaymentChannel.PRODUCE_DEDUCTION,
                    recorded_offline=receipt.recorded_offline, reference=receipt.receipt_id),
                    origin)
            else:
                await self.savings.deposit(conn, coop, member, SavingsType.WAJIB, DepositSavings(
                    amount_idr=deduction.applied_idr, channel=DepositChannel.PRODUCE_DEDUCTION,
                    business_date=day, reference=receipt.receipt_id,
                    recorded_offline=receipt.recorded_offline), origin)
        return True

    async def _deductions(
        self, conn: DbConnection, cooperative_id: str, member_id: str, day: date
    ) -> list[DeductionRequest]:
        requests: list[DeductionRequest] = []
        horizon = (await self.savings.policy(conn, cooperative_id)).payout_instalments
        for loan_id in await self.loans.repo.active_loans_of(conn, cooperative_id, member_id):
            loan, _ = await self.loans.repo.load(conn, loan_id)
            # A receipt dated before the disbursement owes nothing to that loan yet.
            if loan is None or loan.disbursed_on is None or loan.disbursed_on > day:
                continue
            if (due := instalments_due(loan, day, horizon)) > 0:
                requests.append(DeductionRequest(deduction_type=DeductionType.LOAN_INSTALMENT,
                                                 ref=loan_id, amount_idr=due))
        wajib, _ = await self.savings.repo.load(conn,
                                                account_id_for(member_id, SavingsType.WAJIB))
        if (wajib is not None and wajib.cooperative_id == cooperative_id
                and wajib.opened_on <= day and (owed := wajib_due(wajib, day, horizon)) > 0):
            requests.append(DeductionRequest(deduction_type=DeductionType.SIMPANAN_WAJIB,
                                             ref=wajib.account_id, amount_idr=owed))
        return requests
