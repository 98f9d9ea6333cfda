"""The gateway behind the real consumer runner, on real Kafka and PostgreSQL: two partners
with different consents receive exactly their data, history only when consented, nothing
after a revocation, and nothing outside their partner contracts."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import jsonschema
import pytest
import pytest_asyncio
from partners_support import Api, consumed, registered

from gotong_platform.consumer import ConsumedEvent, ConsumerRunner, RunnerConfig
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.contracts import payments as pay
from gotong_platform.ids import new_id
from gotong_platform.kafka import make_consumer, make_producer
from gotong_testing.clock import business_now
from gotong_testing.kafka import publish
from partners.entrypoints.consumer import GATEWAY_CONSUMER

pytestmark = pytest.mark.integration

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


@pytest_asyncio.fixture
async def gateway(api: Api, topic_factory: Any, kafka_bootstrap: str
                  ) -> AsyncIterator[Gateway]:
    topics = {s: await topic_factory(s) for s in ("members", "inventory", "payments")}
    runner = ConsumerRunner(
        pool=api.pool,
        consumer=make_consumer(kafka_bootstrap, group_id=None, client_id="partners-test"),
        dlq_producer=make_producer(kafka_bootstrap, client_id="partners-test-dlq"),
        handler=api.gateway.handler(),
        config=RunnerConfig(consumer=GATEWAY_CONSUMER, topics=tuple(topics.values()),
                            group_id=None))
    await runner.start()
    try:
        yield Gateway(api, kafka_bootstrap, topics, runner)
    finally:
        await runner.close()


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


async def served_schema(api: Api, url: str) -> dict[str, Any]:
    answer = await api.client.get(url.removeprefix(api.settings.public_base_url))
    assert answer.status_code == 200
    schema: dict[str, Any] = answer.json()
    return schema


async def assert_within_contracts(api: Api, items: list[dict[str, Any]],
                                  secrets: Sequence[str]) -> None:
    """Every item's data holds only its contract's fields and validates against the schema
    its ``dataschema`` names; no internal id or actor appears anywhere in it."""
    for item in items:
        schema = await served_schema(api, item["dataschema"])
        assert schema["$id"] == item["dataschema"]
        assert set(item["data"]) <= set(schema["properties"]), item["type"]
        jsonschema.Draft202012Validator(schema).validate(item["data"])
        text = json.dumps(item)
        assert [s for s in secrets if s in text] == [], item["type"]


async def test_two_partners_get_exactly_their_consented_data_until_revoked(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, other_coop = new_id("cooperative"), new_id("cooperative")
    member, loan = new_id("member"), new_id("loan")
    await gateway.send(consumed(registered(coop), stream_id=coop),
                       consumed(registered(other_coop), stream_id=other_coop))
    bank = await register(api, "Bank NTT", "bank")
    buyer = await register(api, "Kopi Flores Trading", "buyer")

    # Recorded before the consents: only a consent with history may ever show them.
    early_deposit = deposit(coop, member, recorded=BEFORE_GRANT)
    early_produce = produce(coop, member, recorded=BEFORE_GRANT)
    await gateway.send(early_deposit, early_produce)
    bank_consent = await grant(api, coop, bank, ["savings", "loans"])
    await grant(api, coop, buyer, ["produce", "stock"], history=True)
    assert (await gateway.feed(bank))["items"] == []
    assert [i["type"] for i in (await gateway.feed(buyer))["items"]] == [
        "gotong.partner.produce.ProduceReceipt.v1"]

    live = [deposit(coop, member), disbursed(coop, member, loan), repaid(coop, member, loan),
            produce(coop, member), goods(coop),
            # Nobody consented to these: sales, members, another cooperative, a date
            # before the window.
            sale(coop, member), admitted(coop, member), deposit(other_coop, member),
            deposit(coop, member, day=date(2025, 12, 31))]
    await gateway.send(*live)

    bank_items = (await gateway.feed(bank))["items"]
    buyer_items = (await gateway.feed(buyer))["items"]
    # Order is kept per stream (a Kafka partition), not across streams: compare as sets.
    assert sorted((i["type"], i["data"].get("event") or i["data"].get("movement"))
                  for i in bank_items) == [
        ("gotong.partner.loans.LoanEvent.v1", "disbursed"),
        ("gotong.partner.loans.LoanEvent.v1", "repayment"),
        ("gotong.partner.savings.SavingsMovement.v1", "deposit")]
    assert sorted((i["type"], i["data"].get("event") or i["data"].get("movement"))
                  for i in buyer_items) == [
        ("gotong.partner.produce.ProduceReceipt.v1", "received"),
        ("gotong.partner.produce.ProduceReceipt.v1", "received"),
        ("gotong.partner.stock.StockMovement.v1", "received")]
    assert {i["cooperativeid"] for i in bank_items + buyer_items} == {coop}
    assert [i["position"] for i in buyer_items] == [1, 2, 3]

    # One member, one reference per partner: stable within a partner, unjoinable across.
    bank_refs = {i["data"]["member_ref"] for i in bank_items}
    buyer_refs = {i["data"]["member_ref"] for i in buyer_items if "member_ref" in i["data"]}
    assert len(bank_refs) == len(buyer_refs) == 1
    assert bank_refs.isdisjoint(buyer_refs)
    internal_ids = [member, loan, "user-kasir",
                    "pengurus-x", "warehouse-1", "product-kopi", "product-pupuk",
                    *(str(e.envelope.event_id) for e in [early_produce, *live])]
    await assert_within_contracts(api, bank_items + buyer_items, internal_ids)

    # Revoked: nothing more is delivered under the consent, and nothing of it is served.
    revoked = await api.post(f"/cooperatives/{coop}/consents/{bank_consent}/revoke",
                             {"reason": "loan repaid"},
                             api.token("coop_admin", cooperative_id=coop))
    assert revoked.status_code == 200, revoked.text
    await gateway.send(deposit(coop, member), repaid(coop, member, loan), goods(coop))
    assert (await gateway.feed(bank))["items"] == []
    stored = await api.rows("SELECT count(*) AS n FROM partner_feed WHERE partner_id = $1",
                            bank)
    assert stored[0]["n"] == 3  # nothing was appended after the revocation
    assert [i["position"] for i in (await gateway.feed(buyer))["items"]] == [1, 2, 3, 4]


async def test_the_feed_pages_with_a_cursor_and_is_the_callers_own(gateway: Gateway) -> None:
    api = gateway.api
    coop, member = new_id("cooperative"), new_id("member")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank Flores", "bank")
    other = await register(api, "Bank Sumba", "bank")
    await grant(api, coop, bank, ["savings"])
    # One account: one stream, one partition, so the feed keeps its order.
    account = new_id("account")
    await gateway.send(*(deposit(coop, member, amount=1_000 * n, account=account)
                         for n in range(1, 6)))

    first = await gateway.feed(bank, limit=2)
    second = await gateway.feed(bank, after=first["next_after"], limit=2)
    third = await gateway.feed(bank, after=second["next_after"], limit=2)
    last = await gateway.feed(bank, after=third["next_after"])

    amounts = [i["data"]["amount_idr"] for page in (first, second, third)
               for i in page["items"]]
    assert amounts == [1_000, 2_000, 3_000, 4_000, 5_000]
    assert (first["next_after"], second["next_after"], third["next_after"]) == (2, 4, 5)
    assert last == {"items": [], "next_after": 5}
    assert (await gateway.feed(other))["items"] == []  # its own feed: empty
    staff = await api.client.get("/partner/feed",
                                 headers=api.token("coop_admin", cooperative_id=coop))
    assert staff.status_code == 403
    bad = await api.client.get("/partner/feed", params={"after": -1},
                               headers=api.token("partner", subject=bank))
    assert bad.status_code == 422


async def test_a_consent_without_history_starts_at_its_grant_and_one_with_it_backfills(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, member = new_id("cooperative"), new_id("member")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    before = [deposit(coop, member, amount=1_000, recorded=BEFORE_GRANT),
              deposit(coop, member, amount=2_000, recorded=BEFORE_GRANT,
                      day=date(2025, 6, 1))]  # before the window: never
    await gateway.send(*before)
    without, with_history = (await register(api, "Bank A", "bank"),
                             await register(api, "Bank B", "bank"))
    await grant(api, coop, without, ["savings"])
    await grant(api, coop, with_history, ["savings"], history=True)
    await gateway.send(deposit(coop, member, amount=3_000))

    def amounts(page: dict[str, Any]) -> list[int]:
        return [i["data"]["amount_idr"] for i in page["items"]]

    assert amounts(await gateway.feed(without)) == [3_000]
    assert amounts(await gateway.feed(with_history)) == [1_000, 3_000]
    ids = {i["id"] for p in (without, with_history) for i in (await gateway.feed(p))["items"]}
    assert len(ids) == 3  # each partner's event has its own id
    assert all(uuid.UUID(i) for i in ids)
