"""Streams recorded once per cause, and the savings policy, with their query tables.

- ``salepay-<sale_id>``: the payment (or its refusal) of a shop sale;
- ``payout-<receipt_id>``: the payout for a produce receipt;
- ``refund-<member_id>``: the exit refund of a member (prepared, then approved);
- ``savings-policy-<cooperative_id>``: every change of the cooperative's savings policy.

The first three are created at version 0 by reactions: ``False`` from a ``save_*``
means the cause was already handled, and nothing was written. A refund's approval is
appended to its stream as version 2, after the ``ExitRefundPrepared`` of version 1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gotong_platform.db import DbConnection
from gotong_platform.domain import DomainEvent
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from gotong_platform.provenance import Provenance, new_event
from payments.adapters.events import stored_type
from payments.adapters.publishing import payout_contract, refund_contract, sale_contract
from payments.adapters.streams import create_stream
from payments.domain import (
    ExitRefundPrepared,
    InstalmentHorizon,
    MemberExitRefunded,
    ProducePayoutMade,
    SaleEvent,
    SalePaymentRefused,
    SaleTender,
    SavingsPolicy,
    SavingsPolicySet,
    event_to_payload,
)

__all__ = ["RecordsRepository"]

_POLICY = """
INSERT INTO savings_policies (cooperative_id, pokok_idr, wajib_idr, wajib_due_day, version,
    payout_instalments)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (cooperative_id) DO UPDATE SET pokok_idr = EXCLUDED.pokok_idr,
    wajib_idr = EXCLUDED.wajib_idr, wajib_due_day = EXCLUDED.wajib_due_day,
    version = EXCLUDED.version, payout_instalments = EXCLUDED.payout_instalments
"""
_SALE = """
INSERT INTO sale_payments (sale_id, cooperative_id, status, total_idr, reason_code, detail,
    business_date)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""
_CREDIT = """
INSERT INTO member_credit (sale_id, cooperative_id, member_id, amount_idr, business_date)
VALUES ($1, $2, $3, $4, $5)
"""
_PAYOUT = """
INSERT INTO payouts (receipt_id, cooperative_id, member_id, gross_idr, deductions, net_paid_idr,
    business_date, product_id, net_qty_g, grade)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
"""
_REFUND_PREPARED = """
INSERT INTO exit_refunds (member_id, cooperative_id, pokok_idr, wajib_idr, offset_idr,
    refund_idr, unrecovered_idr, business_date, status, prepared_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)
"""
_REFUND_APPROVED = """
UPDATE exit_refunds SET pokok_idr = $3, wajib_idr = $4, offset_idr = $5, refund_idr = $6,
    unrecovered_idr = $7, status = 'approved', approved_by = $8, approved_on = $9
WHERE member_id = $1 AND cooperative_id = $2
RETURNING *
"""


class RecordsRepository:
    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def policy(
        self, conn: DbConnection, cooperative_id: str
    ) -> tuple[SavingsPolicy | None, int]:
        row = await conn.fetchrow("SELECT * FROM savings_policies WHERE cooperative_id = $1",
                                  cooperative_id)
        if row is None:
            return None, 0
        policy = SavingsPolicy(pokok_idr=row["pokok_idr"], wajib_idr=row["wajib_idr"],
                               wajib_due_day=row["wajib_due_day"],
                               payout_instalments=InstalmentHorizon(row["payout_instalments"]))
        return policy, int(row["version"])

    async def save_policy(
        self, conn: DbConnection, event: SavingsPolicySet, version: int, origin: Provenance
    ) -> int:
        stream = f"savings-policy-{event.cooperative_id}"
        await self.store.write(conn, stream, version, [
            self._new(event, None, event.cooperative_id, event.set_on, origin)])
        await conn.execute(_POLICY, event.cooperative_id, event.pokok_idr, event.wajib_idr,
                           event.wajib_due_day, version + 1, event.payout_instalments.value)
        return version + 1

    async def save_sale_payment(
        self, conn: DbConnection, event: SaleEvent, *, total_idr: int, business_date: date,
        origin: Provenance,
    ) -> bool:
        new = self._new(event, sale_contract(event), event.cooperative_id, business_date, origin)
        if not await create_stream(self.store, conn, f"salepay-{event.sale_id}", [new]):
            return False
        if isinstance(event, SalePaymentRefused):
            await conn.execute(_SALE, event.sale_id, event.cooperative_id, "refused", total_idr,
                               event.reason_code, event.detail, business_date)
            return True
        await conn.execute(_SALE, event.sale_id, event.cooperative_id, "recorded", total_idr,
                           None, None, business_date)
        credit = sum(p.amount_idr for p in event.payments if p.method is SaleTender.CREDIT)
        if credit > 0 and event.member_id is not None:  # kasbon: the member owes the shop
            await conn.execute(_CREDIT, event.sale_id, event.cooperative_id, event.member_id,
                               credit, business_date)
        return True

    async def save_payout(
        self, conn: DbConnection, event: ProducePayoutMade, origin: Provenance
    ) -> bool:
        new = self._new(event, payout_contract(event), event.cooperative_id,
                        event.business_date, origin)
        if not await create_stream(self.store, conn, event.payout_id, [new]):
            return False
        deductions = [{"type": d.deduction_type.value, "reference": d.ref,
                       "requested_idr": d.requested_idr, "amount_idr": d.applied_idr}
                      for d in event.deductions]
        await conn.execute(_PAYOUT, event.receipt_id, event.cooperative_id, event.member_id,
                           event.gross_idr, deductions, event.net_paid_idr, event.business_date,
                           event.product_id, event.net_qty_g, event.grade)
        return True

    async def save_exit_refund_prepared(
        self, conn: DbConnection, event: ExitRefundPrepared, origin: Provenance
    ) -> bool:
        """Start the member's refund stream (not published: nothing is paid yet)."""
        new = self._new(event, None, event.cooperative_id, event.business_date, origin)
        if not await create_stream(self.store, conn, f"refund-{event.member_id}", [new]):
            return False
        await conn.execute(_REFUND_PREPARED, event.member_id, event.cooperative_id,
                           event.pokok_idr, event.wajib_idr, event.offset_idr,
                           event.refund_idr, event.unrecovered_idr, event.business_date,
                           event.prepared_by)
        return True

    async def exit_refund_for_update(
        self, conn: DbConnection, cooperative_id: str, member_id: str
    ) -> dict[str, Any] | None:
        """The member's refund row, locked until the transaction ends: two approvals of
        one refund take turns, and the second finds it approved."""
        row = await conn.fetchrow(
            "SELECT * FROM exit_refunds WHERE cooperative_id = $1 AND member_id = $2 "
            "FOR UPDATE", cooperative_id, member_id)
        return None if row is None else dict(row)

    async def save_exit_refund_approved(
        self, conn: DbConnection, event: MemberExitRefunded, origin: Provenance
    ) -> dict[str, Any]:
        """Append the approval after the prepared refund (version 1), publish it; the row."""
        new = self._new(event, refund_contract(event), event.cooperative_id,
                        event.business_date, origin)
        await self.store.write(conn, f"refund-{event.member_id}", 1, [new])
        row = await conn.fetchrow(_REFUND_APPROVED, event.member_id, event.cooperative_id,
                                  event.pokok_idr, event.wajib_idr, event.offset_idr,
                                  event.refund_idr, event.unrecovered_idr, event.approved_by,
                                  event.approved_on)
        return dict(row) if row is not None else {}

    def _new(self, event: DomainEvent, public: dict[str, Any] | None, cooperative_id: str,
             business_date: date, origin: Provenance) -> NewEvent:
        return new_event(event, event_to_payload(event), public, cooperative_id=cooperative_id,
                         business_date=business_date, provenance=origin,
                         now=self.store.clock.now(), event_type=stored_type(event.event_type))
