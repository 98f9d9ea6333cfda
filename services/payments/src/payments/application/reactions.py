"""What payments does when other services' events arrive (``python -m payments consumer``).

Each handler runs inside the consumer runner's transaction, so its events (and their
outbox rows) commit with the consumed position: a reaction is published exactly once
per consumed event. The runner already skips an event id it has seen; on top of that
every reaction writes to streams whose ids follow from the cause (an account per
member and type, ``salepay-<sale>``, ``payout-<receipt>``, ``refund-<member>``) and
created at version 0, so the same fact arriving as a different event still applies once.

- members: the local directory (``apply_members_event``); ``MemberAdmitted`` opens the
  pokok, wajib and sukarela accounts; ``MemberExited`` prepares the refund of pokok and
  wajib, which a pengurus other than the exit's recorder approves (``ExitRefunds``).
- inventory: ``SaleRecorded`` records the sale's payment or its refusal (inventory
  voids a refused sale); ``ProduceReceivedFromMember`` pays the member out.
"""

from __future__ import annotations

import dataclasses

from gotong_platform.commands import CommandMeta
from gotong_platform.consumer import ConsumedEvent, Handler
from gotong_platform.consumer.process import by_source
from gotong_platform.contracts import EventContract, contract_for
from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory, apply_members_event
from gotong_platform.domain import DomainError
from gotong_platform.provenance import Provenance
from payments.adapters.records_repository import RecordsRepository
from payments.application.exit_refunds import UNKNOWN_EXIT_RECORDER, ExitRefunds
from payments.application.payouts import ProducePayouts
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

__all__ = ["REACTIONS_ACTOR", "Reactions"]

REACTIONS_ACTOR = "system:payments-reactions"


@dataclasses.dataclass(frozen=True)
class Reactions:
    savings: SavingsService
    records: RecordsRepository
    payouts: ProducePayouts
    refunds: ExitRefunds

    def handler(self) -> Handler:
        """The consumer's handler: one route per producing service."""
        return by_source({"members": self.on_members_event,
                          "inventory": self.on_inventory_event})

    async def on_members_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        await apply_members_event(conn, event)
        origin = _origin(event)
        match _contract(event):
            case mem.MemberAdmittedV1() as e:
                await self.savings.open_accounts(conn, e.cooperative_id, e.member_id,
                                                 e.admitted_on, origin)
            case mem.MemberExitedV1() as e:
                # The maker is whoever recorded the exit in the members service.
                await self.refunds.prepare(conn, e.cooperative_id, e.member_id, e.exited_on,
                                           event.envelope.actor or UNKNOWN_EXIT_RECORDER,
                                           origin)

    async def on_inventory_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        origin = _origin(event)
        match _contract(event):
            case inv.SaleRecordedV1() as e:
                decision = await _credit_refusal(conn, e) or _sale_payment(e)
                await self.records.save_sale_payment(
                    conn, decision, total_idr=e.total_idr,
                    business_date=e.business_date, origin=origin)
            case inv.ProduceReceivedFromMemberV1() as e:
                await self.payouts.pay(conn, e, origin)


CREDIT_FOR_INACTIVE_MEMBER = "credit-for-inactive-member-refused"


async def _credit_refusal(conn: DbConnection, sale: inv.SaleRecordedV1) -> SaleEvent | None:
    """Kasbon (credit) is for active members. A till offline may not know that the
    buyer was suspended or left; payments does, and refuses so inventory voids the
    sale. A member payments has not heard of yet (its copy lags) is given the
    benefit of the doubt: the till knew her."""
    if sale.member_id is None or not any(p.method == "credit" for p in sale.payments):
        return None
    member = await Directory(conn).member(sale.member_id)
    if member is None or member.is_active:
        return None
    return SalePaymentRefused(
        sale_id=sale.sale_id, cooperative_id=sale.cooperative_id,
        reason_code=CREDIT_FOR_INACTIVE_MEMBER,
        detail=f"Kasbon (credit) is only for active members; this member is {member.status}.")


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


def _contract(event: ConsumedEvent) -> EventContract | None:
    env = event.envelope
    cls = contract_for(env.source, env.event_type, env.schema_version)
    return None if cls is None else cls.model_validate(event.data)


def _origin(event: ConsumedEvent) -> Provenance:
    """The reaction continues the cause's flow: same correlation, caused by its event."""
    env = event.envelope
    meta = CommandMeta.current(
        actor=REACTIONS_ACTOR, command_id=f"{env.source}:{env.event_id}",
        correlation=str(env.correlation_id) if env.correlation_id else None)
    return Provenance(meta=meta, causation_id=env.event_id)
