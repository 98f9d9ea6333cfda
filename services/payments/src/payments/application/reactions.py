"""What payments does when other services' events arrive (``python -m payments consumer``).

The consumer's handler (``entrypoints.consumer``) decodes each event into its contract
and calls one of these inside the consumer runner's transaction, so the reaction's
events (and their outbox rows) commit with the consumed position: a reaction is
published exactly once per consumed event. The runner already skips an event id it
has seen; on top of that every reaction writes to streams whose ids follow from the
cause (an account per member and type, ``salepay-<sale>``, ``payout-<receipt>``,
``refund-<member>``) and created at version 0, so the same fact arriving as a
different event still applies once.

- members: ``MemberAdmitted`` opens the pokok, wajib and sukarela accounts;
  ``MemberExited`` prepares the refund of pokok and wajib, which a pengurus other than
  the exit's recorder approves (``ExitRefunds``).
- inventory: ``SaleRecorded`` records the sale's payment or its refusal (inventory
  voids a refused sale); ``ProduceReceivedFromMember`` pays the member out.
"""

from __future__ import annotations

import dataclasses

from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.db import DbConnection
from gotong_platform.domain import DomainError
from gotong_platform.provenance import Provenance
from payments.application.exit_refunds import ExitRefunds
from payments.application.payouts import ProducePayouts
from payments.application.ports import MembersDirectory, SalePaymentRecords
from payments.application.savings_service import SavingsService
from payments.domain import (
    BuyerType,
    RecordSalePayment,
    SaleEvent,
    SalePayment,
    SalePaymentRefused,
    SaleTender,
    record_sale_payment,
)

__all__ = ["CREDIT_FOR_INACTIVE_MEMBER", "Reactions"]

CREDIT_FOR_INACTIVE_MEMBER = "credit-for-inactive-member-refused"


@dataclasses.dataclass(frozen=True)
class Reactions:
    """One use case per consumed fact; ``origin`` continues the cause's flow."""

    savings: SavingsService
    sale_payments: SalePaymentRecords
    payouts: ProducePayouts
    refunds: ExitRefunds
    directory: MembersDirectory

    async def member_admitted(self, conn: DbConnection, admitted: mem.MemberAdmittedV1,
                              origin: Provenance) -> None:
        await self.savings.open_accounts(conn, admitted.cooperative_id, admitted.member_id,
                                         admitted.admitted_on, origin)

    async def member_exited(self, conn: DbConnection, exited: mem.MemberExitedV1,
                            recorded_by: str, origin: Provenance) -> None:
        """``recorded_by``: who recorded the exit in the members service (the maker)."""
        await self.refunds.prepare(conn, exited.cooperative_id, exited.member_id,
                                   exited.exited_on, recorded_by, origin)

    async def sale_recorded(self, conn: DbConnection, sale: inv.SaleRecordedV1,
                            origin: Provenance) -> None:
        decision = await self._credit_refusal(conn, sale) or _sale_payment(sale)
        await self.sale_payments.save_sale_payment(
            conn, decision, total_idr=sale.total_idr, business_date=sale.business_date,
            origin=origin)

    async def produce_received(self, conn: DbConnection,
                               receipt: inv.ProduceReceivedFromMemberV1,
                               origin: Provenance) -> None:
        await self.payouts.pay(conn, receipt, origin)

    async def _credit_refusal(self, conn: DbConnection, sale: inv.SaleRecordedV1
                              ) -> SaleEvent | None:
        """Kasbon (credit) is for active members. A till offline may not know that the
        buyer was suspended or left; payments does, and refuses so inventory voids the
        sale. A member payments has not heard of yet (its copy lags) is given the
        benefit of the doubt: the till knew her."""
        if sale.member_id is None or not any(p.method == "credit" for p in sale.payments):
            return None
        member = await self.directory.member(conn, sale.member_id)
        if member is None or member.is_active:
            return None
        return SalePaymentRefused(
            sale_id=sale.sale_id, cooperative_id=sale.cooperative_id,
            reason_code=CREDIT_FOR_INACTIVE_MEMBER,
            detail=f"Kasbon (credit) is only for active members; this member is "
                   f"{member.status}.")


def _sale_payment(sale: inv.SaleRecordedV1) -> SaleEvent:
    """The payment, or its refusal: a sale the till already rang up is never dropped."""
    command = RecordSalePayment(
        sale_id=sale.sale_id, buyer_type=BuyerType(sale.buyer_type), member_id=sale.member_id,
        total_idr=sale.total_idr, business_date=sale.business_date,
        payments=tuple(SalePayment(method=SaleTender(p.method), amount_idr=p.amount_idr)
                       for p in sale.payments))
    try:
        return record_sale_payment(command, cooperative_id=sale.cooperative_id)
    except DomainError as exc:  # malformed tenders: refused, so inventory voids the sale
        return SalePaymentRefused(sale_id=sale.sale_id, cooperative_id=sale.cooperative_id,
                                  reason_code=exc.code, detail=exc.detail)
