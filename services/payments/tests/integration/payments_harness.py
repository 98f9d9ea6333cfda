"""Test harness of the payments integration tests: the app over ASGI, tokens, and the
events other services would send (members, inventory), delivered as the consumer would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
import httpx

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.directory import apply_members_event
from gotong_platform.envelope import Envelope
from gotong_platform.ids import new_id, uuid7
from gotong_testing import business_now
from gotong_testing.api import ApiClient
from payments.entrypoints.consumer import ReactionsConsumer
from payments.settings import PaymentsSettings

JWT_KEY = "k" * 48
ADMITTED_ON = date(2026, 1, 2)


def consumed(contract: EventContract, *, stream_id: str, version: int,
             event_id: uuid.UUID | None = None, traceparent: str | None = None,
             actor: str = "user-test") -> ConsumedEvent:
    """``contract`` as the consumer runner hands it to a handler; ``actor`` recorded it."""
    data = contract.model_dump(mode="json")
    now = business_now()
    envelope = Envelope(
        event_id=event_id or uuid7(), event_type=contract.event_type,
        schema_version=contract.schema_version, source=contract.source, stream_id=stream_id,
        stream_version=version, cooperative_id=data["cooperative_id"], occurred_at=now,
        business_date=now.date(), recorded_at=now, correlation_id=uuid7(), actor=actor,
        traceparent=traceparent)
    return ConsumedEvent(envelope=envelope, data=data, topic=f"gotong.{contract.source}.events",
                         partition=0, offset=0)


@dataclass
class Staff:
    """Tokens of one cooperative's people: a clerk (kasir) and two pengurus (coop_admin)."""

    cooperative_id: str
    clerk: dict[str, str]
    chair: dict[str, str]
    treasurer: dict[str, str]


@dataclass
class Api(ApiClient):
    settings: PaymentsSettings
    pool: asyncpg.Pool
    reactions: ReactionsConsumer

    def staff(self, cooperative_id: str) -> Staff:
        return Staff(cooperative_id,
                     clerk=self.token("coop_clerk", cooperative_id=cooperative_id),
                     chair=self.token("coop_admin", cooperative_id=cooperative_id),
                     treasurer=self.token("coop_admin", cooperative_id=cooperative_id))

    async def get(self, path: str, headers: dict[str, str], **params: str) -> httpx.Response:
        return await self.client.get(path, headers=headers, params=params)

    async def deliver(self, event: ConsumedEvent) -> None:
        """Run the consumer's handler in one transaction, as the runner does (without its
        event-id de-duplication: the reactions must be safe on their own)."""
        async with self.pool.acquire() as conn, conn.transaction():
            await self.reactions.handler()(conn, event)

    async def seed_directory(self, contract: EventContract, stream_id: str,
                             version: int) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await apply_members_event(conn, consumed(contract, stream_id=stream_id,
                                                     version=version))

    async def cooperative(self, *, loop: str = "closed", time_zone: str = "WITA",
                          regency: str = "5312") -> Staff:
        coop = new_id("cooperative")
        await self.seed_directory(mem.CooperativeRegisteredV1(
            cooperative_id=coop, name="Koperasi Tani Makmur", legal_registration_number=coop,
            coop_type="producer", province_code=regency[:2], regency_code=regency,
            time_zone=time_zone, fiscal_year_start_month=1, loop=loop,
            registered_on=date(2020, 1, 15)), coop, 1)
        await self.seed_directory(mem.CooperativeJoinedFederationV1(
            cooperative_id=coop, effective_date=date(2020, 2, 1)), coop, 2)
        return self.staff(coop)

    async def admit(self, cooperative_id: str, *, admitted_on: date = ADMITTED_ON,
                    event_id: uuid.UUID | None = None, member_id: str | None = None) -> str:
        """A member admitted in the members service (version 2 of the member's stream)."""
        member = member_id or new_id("member")
        await self.deliver(consumed(mem.MemberAdmittedV1(
            cooperative_id=cooperative_id, member_id=member, member_no="00001", gender="P",
            village_code="5312010001", admitted_on=admitted_on),
            stream_id=member, version=2, event_id=event_id))
        return member

    async def suspend(self, cooperative_id: str, member_id: str) -> None:
        await self.deliver(consumed(mem.MemberSuspendedV1(
            cooperative_id=cooperative_id, member_id=member_id, suspended_on=date(2026, 2, 1)),
            stream_id=member_id, version=3))

    def exited(self, cooperative_id: str, member_id: str, on: date, *,
               recorded_by: str = "user-test") -> ConsumedEvent:
        """The member's exit, recorded in the members service by ``recorded_by``."""
        return consumed(mem.MemberExitedV1(cooperative_id=cooperative_id, member_id=member_id,
                                           exited_on=on, reason="moved_away"),
                        stream_id=member_id, version=3, actor=recorded_by)

    async def rows(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return list(await self.pool.fetch(sql, *args))


def a_sale(cooperative_id: str, *, payments: list[tuple[str, int]], member_id: str | None = None,
           total_idr: int | None = None) -> inv.SaleRecordedV1:
    total = sum(amount for _, amount in payments) if total_idr is None else total_idr
    return inv.SaleRecordedV1(
        cooperative_id=cooperative_id, sale_id=new_id("sale"), warehouse_id=new_id("warehouse"),
        buyer_type="member" if member_id else "non_member", member_id=member_id,
        lines=(inv.SaleLine(product_id="beras-5kg", category="staple_goods", qty=1,
                            price_idr=total, per_qty=1, line_total_idr=total),),
        discount_idr=0, total_idr=total,
        payments=tuple(inv.SalePayment(method=m, amount_idr=a) for m, a in payments),
        business_date=date(2026, 3, 15))


def a_produce_receipt(cooperative_id: str, member_id: str, *, amount_idr: int,
                      business_date: date) -> inv.ProduceReceivedFromMemberV1:
    return inv.ProduceReceivedFromMemberV1(
        cooperative_id=cooperative_id, receipt_id=new_id("receipt"),
        warehouse_id=new_id("warehouse"), product_id="kopi-arabika", member_id=member_id,
        gross_qty_g=52_000, net_qty_g=50_000, grade="A", lot_id="lot-2026-03",
        price_idr=amount_idr, per_qty=50_000, amount_idr=amount_idr, business_date=business_date)


def a_loan(member_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "member_id": member_id, "principal_idr": 1_000_000, "term_months": 4,
        "interest_rate_bp_per_month": 200, "method": "flat", "penalty_bp_per_month": 100,
        "first_due_date": "2026-02-06", "applied_on": "2026-01-05", "purpose": "modal_tani",
    }
    body.update(overrides)
    return body
