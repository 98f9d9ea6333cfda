"""What the gateway's tests build: internal events as the consumer receives them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from gotong_platform.calendar import FixedClock
from gotong_platform.consumer import ConsumedEvent, ConsumerRunner
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.contracts import payments as pay
from gotong_platform.envelope import Envelope
from gotong_platform.ids import new_id, uuid7
from gotong_testing.api import ApiClient
from gotong_testing.clock import business_now
from gotong_testing.kafka import publish
from partners.entrypoints.consumer import GatewayConsumer
from partners.settings import PartnersSettings

JWT_KEY = "p" * 48


def registered(cooperative_id: str, regency: str = "5312") -> mem.CooperativeRegisteredV1:
    return mem.CooperativeRegisteredV1(
        cooperative_id=cooperative_id, name="Koperasi Kopi Flores",
        legal_registration_number=cooperative_id, coop_type="producer",
        province_code=regency[:2], regency_code=regency, time_zone="WITA",
        fiscal_year_start_month=1, loop="closed", registered_on=date(2020, 1, 1))


def consumed(contract: EventContract, *, stream_id: str, version: int = 1,
             business_date: date | None = None, recorded_at: datetime | None = None,
             event_id: uuid.UUID | None = None, actor: str = "user-kasir") -> ConsumedEvent:
    """``contract`` as the consumer runner hands it to a handler."""
    data = contract.model_dump(mode="json")
    now = recorded_at or business_now()
    envelope = Envelope(
        event_id=event_id or uuid7(), event_type=contract.event_type,
        schema_version=contract.schema_version, source=contract.source, stream_id=stream_id,
        stream_version=version, cooperative_id=data["cooperative_id"], occurred_at=now,
        business_date=business_date or now.date(), recorded_at=now, correlation_id=uuid7(),
        actor=actor)
    return ConsumedEvent(envelope=envelope, data=data, topic=f"gotong.{contract.source}.events",
                         partition=0, offset=0)


@dataclass
class Api(ApiClient):
    settings: PartnersSettings
    pool: asyncpg.Pool
    gateway: GatewayConsumer
    clock: FixedClock

    async def rows(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return list(await self.pool.fetch(sql, *args))

    async def known_cooperative(self, cooperative_id: str, regency: str = "5312") -> None:
        """The cooperative in the gateway's members directory, as its consumer puts it."""
        async with self.pool.acquire() as conn, conn.transaction():
            await self.gateway.on_members_event(conn, consumed(
                registered(cooperative_id, regency), stream_id=cooperative_id, version=1))


DAY = date(2026, 3, 10)  # a business date inside both consents' windows
BEFORE_GRANT = business_now() - timedelta(hours=1)
AFTER_GRANT = business_now() + timedelta(hours=1)


@dataclass
class Gateway:
    """The gateway's consumer on three fresh topics, and what was published so far."""

    api: Api
    bootstrap: str
    topics: dict[str, str]
    runner: ConsumerRunner
    published: int = 0

    async def send(self, *events: ConsumedEvent) -> None:
        """Publish ``events`` as the services' relays would, and wait until consumed."""
        await publish(self.bootstrap, [(self.topics[e.envelope.source], e) for e in events])
        self.published += len(events)
        async with asyncio.timeout(60):
            while sum(self.runner.positions.values()) < self.published:
                await self.runner.poll_once()
        assert self.runner.dead_lettered == 0

    async def feed(self, partner: str, **params: int) -> dict[str, Any]:
        token = self.api.token("partner", subject=partner)
        answer = await self.api.client.get("/partner/feed", params=params, headers=token)
        assert answer.status_code == 200, answer.text
        page: dict[str, Any] = answer.json()
        return page


def at(contract: EventContract, *, recorded: Any = AFTER_GRANT, day: date = DAY
       ) -> ConsumedEvent:
    stream = str(next(v for k, v in contract.model_dump().items()
                      if k.endswith("_id") and k != "cooperative_id"))
    return consumed(contract, stream_id=stream, business_date=day, recorded_at=recorded)


def deposit(coop: str, member: str, amount: int = 50_000, account: str | None = None,
            **kw: Any) -> ConsumedEvent:
    return at(pay.SavingsDepositedV1(
        cooperative_id=coop, account_id=account or new_id("account"), member_id=member,
        savings_type="sukarela", amount_idr=amount, channel="cash", business_date=DAY), **kw)


def disbursed(coop: str, member: str, loan: str) -> ConsumedEvent:
    return at(pay.LoanDisbursedV1(
        cooperative_id=coop, loan_id=loan, member_id=member, principal_idr=3_000_000,
        business_date=DAY, schedule=(pay.Instalment(
            number=1, due_date=DAY + timedelta(days=30), principal_idr=3_000_000,
            interest_idr=45_000),)))


def repaid(coop: str, member: str, loan: str) -> ConsumedEvent:
    return at(pay.LoanRepaymentReceivedV1(
        cooperative_id=coop, loan_id=loan, member_id=member, amount_idr=345_000, penalty_idr=0,
        interest_idr=45_000, principal_idr=300_000, excess_idr=0, channel="cash",
        business_date=DAY))


def produce(coop: str, member: str, **kw: Any) -> ConsumedEvent:
    return at(inv.ProduceReceivedFromMemberV1(
        cooperative_id=coop, receipt_id=new_id("receipt"), warehouse_id="warehouse-1",
        product_id="product-kopi", member_id=member, gross_qty_g=10_500, net_qty_g=10_000,
        grade="A", lot_id="lot-1", price_idr=60_000, per_qty=1_000, amount_idr=600_000,
        business_date=DAY), **kw)


def goods(coop: str) -> ConsumedEvent:
    return at(inv.GoodsReceivedV1(
        cooperative_id=coop, receipt_id=new_id("goods"), warehouse_id="warehouse-1",
        product_id="product-pupuk", qty=20, cost_idr=400_000, business_date=DAY))


def sale(coop: str, member: str) -> ConsumedEvent:
    return at(inv.SaleRecordedV1(
        cooperative_id=coop, sale_id=new_id("sale"), warehouse_id="warehouse-1",
        buyer_type="member", member_id=member, lines=(inv.SaleLine(
            product_id="product-beras", category="staple_goods", qty=5, price_idr=12_000,
            per_qty=1, line_total_idr=60_000),), discount_idr=0, total_idr=60_000,
        payments=(inv.SalePayment(method="cash", amount_idr=60_000),), business_date=DAY))


def admitted(coop: str, member: str) -> ConsumedEvent:
    return at(mem.MemberAdmittedV1(cooperative_id=coop, member_id=member, member_no="00001",
                                   gender="P", village_code="5312010001", admitted_on=DAY))


async def grant(api: Api, coop: str, partner: str, categories: Sequence[str], *,
                history: bool = False) -> str:
    pengurus = api.token("coop_admin", cooperative_id=coop, subject="pengurus-x")
    answer = await api.post(f"/cooperatives/{coop}/consents", {
        "partner_id": partner, "categories": list(categories), "from_date": "2026-01-01",
        "include_history": history}, pengurus)
    assert answer.status_code == 201, answer.text
    consent: str = answer.json()["consent_id"]
    return consent


async def register(api: Api, name: str, kind: str) -> str:
    office = api.token("federation_admin", subject="federation-office")
    answer = await api.post("/partners", {"name": name, "kind": kind}, office)
    assert answer.status_code == 201, answer.text
    partner: str = answer.json()["partner_id"]
    return partner
