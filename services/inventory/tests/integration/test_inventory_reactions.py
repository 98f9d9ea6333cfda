"""The sale flow's reactions: the payments service's answer completes or compensates a sale.

Called as the consumer runner calls them (inside a transaction with the consumed event),
and once through the real runner on Kafka with a redelivered event.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from inventory_api_support import Api, Shop, a_member, a_sale, a_shop, receive, stock_of, today

from gotong_platform.calendar import FixedClock
from gotong_platform.consumer import ConsumedEvent, ConsumerRunner, RunnerConfig
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as m
from gotong_platform.contracts import payments as p
from gotong_platform.envelope import Envelope
from gotong_platform.ids import uuid7
from gotong_platform.kafka import make_consumer, make_producer
from gotong_testing import business_now
from gotong_testing.kafka import publish
from inventory.domain import SaleNotFound
from inventory.main import build_services

pytestmark = pytest.mark.integration

CLOCK = FixedClock(business_now())  # the services' clock in these tests


def an_answer(contract: EventContract, source: str = "payments", version: int = 1,
              stream: str | None = None) -> ConsumedEvent:
    now = business_now()
    env = Envelope(
        event_id=uuid7(), event_type=contract.event_type, schema_version=1, source=source,
        stream_id=stream or f"salepay-{getattr(contract, 'sale_id', 'x')}",
        stream_version=version, cooperative_id=str(getattr(contract, "cooperative_id")),  # noqa: B009
        occurred_at=now, business_date=today(), recorded_at=now, correlation_id=uuid7())
    return ConsumedEvent(envelope=env, data=contract.model_dump(mode="json"),
                         topic="gotong.payments.events", partition=0, offset=0)


def refused(shop: Shop, sale_id: str) -> ConsumedEvent:
    return an_answer(p.SalePaymentRefusedV1(
        cooperative_id=shop.coop, sale_id=sale_id, reason_code="credit-for-non-member-refused",
        detail="Only members may buy on credit (kasbon); this buyer is not a member."))


def paid(shop: Shop, sale: dict[str, Any]) -> ConsumedEvent:
    return an_answer(p.SalePaymentRecordedV1(
        cooperative_id=shop.coop, sale_id=sale["sale_id"], buyer_type=sale["buyer_type"],
        member_id=sale["member_id"], total_idr=sale["total_idr"],
        payments=tuple(p.SalePaymentPart(**x) for x in sale["payments"]),
        business_date=today()))


async def deliver(api: Api, event: ConsumedEvent) -> None:
    handler = build_services(api.settings, CLOCK).reactions.handler()
    async with api.pool.acquire() as conn, conn.transaction():
        await handler(conn, event)


async def a_shop_with_a_sale(api: Api) -> tuple[Shop, dict[str, Any], dict[str, Any]]:
    """A sale of coffee (two lines, FEFO over two lots) and rice; the stock before it."""
    shop = await a_shop(api)
    member = await a_member(api, shop.coop)
    await receive(api, shop, shop.coffee, 2000, 130_000, lot_id="EARLY",
                  expiry_date=(today() + timedelta(days=10)).isoformat())
    await receive(api, shop, shop.coffee, 5000, 290_000, lot_id="LATE",
                  expiry_date=(today() + timedelta(days=90)).isoformat())
    await receive(api, shop, shop.rice, 3333, 40_001)
    before = {product: await stock_of(api, shop, product) for product in (shop.coffee,
                                                                          shop.rice)}
    answer = await api.post(shop.path("/sales"), a_sale(
        shop, [(shop.coffee, 1500), (shop.rice, 1000), (shop.coffee, 1000)], 238_000,
        member=member), shop.clerk)
    assert answer.status_code == 201, answer.text
    return shop, answer.json(), before


async def current_stock(api: Api, shop: Shop) -> dict[str, Any]:
    return {product: await stock_of(api, shop, product) for product in (shop.coffee,
                                                                         shop.rice)}


async def sale_of(api: Api, shop: Shop, sale: dict[str, Any]) -> dict[str, Any]:
    answer = await api.get(shop.path(f"/sales/{sale['sale_id']}"), shop.clerk)
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


async def test_a_refused_payment_voids_the_sale_and_returns_the_stock_exactly(
    api: Api,
) -> None:
    shop, sale, before = await a_shop_with_a_sale(api)
    during = await current_stock(api, shop)
    assert during != before  # the sale really took stock, lots and value
    refusal = refused(shop, sale["sale_id"])
    await deliver(api, refusal)

    voided = await sale_of(api, shop, sale)
    assert (voided["status"], voided["void_reason"]) == ("voided", "payment_failed")
    assert voided["void_detail"].startswith("credit-for-non-member-refused: Only members")
    assert await current_stock(api, shop) == before  # quantities, lots, value, average
    returned = await api.outbox("StockReturned")
    issued = await api.outbox("StockIssued")
    assert len(returned) == len(issued) == 3
    assert sorted((r["product_id"], r["qty"], r["cost_idr"]) for r in returned) == sorted(
        (i["product_id"], i["qty"], i["cost_idr"]) for i in issued)
    assert {r["reference"] for r in returned} == {sale["sale_id"]}
    (void,) = await api.outbox("SaleVoided")
    assert (void["sale_id"], void["reason_code"]) == (sale["sale_id"], "payment_failed")
    # The reaction continues the flow it answers.
    caused = await api.pool.fetch(
        "SELECT DISTINCT causation_id, correlation_id FROM events WHERE actor = $1",
        "inventory-reactions")
    assert [(r["causation_id"], r["correlation_id"]) for r in caused] == [
        (refusal.envelope.event_id, refusal.envelope.correlation_id)]


async def test_the_same_refusal_delivered_twice_changes_nothing(api: Api) -> None:
    shop, sale, before = await a_shop_with_a_sale(api)
    refusal = refused(shop, sale["sale_id"])
    await deliver(api, refusal)
    counts = await api.event_counts()
    await deliver(api, refusal)  # as if the runner's own de-duplication had missed it
    await deliver(api, refused(shop, sale["sale_id"]))  # or the payments service re-refused
    assert await api.event_counts() == counts
    assert await current_stock(api, shop) == before


async def test_a_recorded_payment_completes_the_sale_once(api: Api) -> None:
    shop, sale, _ = await a_shop_with_a_sale(api)
    payment = paid(shop, sale)
    await deliver(api, payment)
    assert (await sale_of(api, shop, sale))["status"] == "completed"
    counts = await api.event_counts()
    await deliver(api, payment)
    await deliver(api, paid(shop, sale))
    assert await api.event_counts() == counts
    (completed,) = await api.outbox("SaleCompleted")
    assert completed["sale_id"] == sale["sale_id"]


async def test_a_refusal_after_completion_still_voids_and_returns_stock(api: Api) -> None:
    shop, sale, before = await a_shop_with_a_sale(api)
    await deliver(api, paid(shop, sale))
    await deliver(api, refused(shop, sale["sale_id"]))
    assert (await sale_of(api, shop, sale))["status"] == "voided"
    assert await current_stock(api, shop) == before


async def test_a_payment_recorded_after_the_void_leaves_the_sale_voided(api: Api) -> None:
    shop, sale, before = await a_shop_with_a_sale(api)
    await deliver(api, refused(shop, sale["sale_id"]))
    counts = await api.event_counts()
    await deliver(api, paid(shop, sale))
    assert (await sale_of(api, shop, sale))["status"] == "voided"
    assert await api.event_counts() == counts
    assert await current_stock(api, shop) == before


async def test_an_answer_about_an_unknown_or_foreign_sale_is_refused(api: Api) -> None:
    shop, sale, _ = await a_shop_with_a_sale(api)
    other = await a_shop(api)
    with pytest.raises(SaleNotFound):
        await deliver(api, refused(shop, "sale-0190f3c2-0000-7000-8000-000000000000"))
    with pytest.raises(SaleNotFound):  # another cooperative cannot void my sale
        await deliver(api, refused(other, sale["sale_id"]))
    assert (await sale_of(api, shop, sale))["status"] == "recorded"


async def test_through_the_runner_on_kafka_a_redelivered_refusal_applies_once(
    api: Api, topic_factory: Any, kafka_bootstrap: str,
) -> None:
    shop, sale, before = await a_shop_with_a_sale(api)
    newcomer = f"member-{uuid7()}"
    admitted = an_answer(m.MemberAdmittedV1(
        cooperative_id=shop.coop, member_id=newcomer, member_no="00077", gender="L",
        village_code="5312010001", admitted_on=today()), source="members", version=2,
        stream=newcomer)
    refusal = refused(shop, sale["sale_id"])
    topic = await topic_factory("inventory-reactions")
    # the relay re-sent the refusal
    await publish(kafka_bootstrap, [(topic, admitted), (topic, refusal), (topic, refusal)],
                  client_id="test-payments")
    runner = ConsumerRunner(
        pool=api.pool,
        consumer=make_consumer(kafka_bootstrap, group_id=None, client_id="inventory-test"),
        dlq_producer=make_producer(kafka_bootstrap, client_id="inventory-test-dlq"),
        handler=build_services(api.settings, CLOCK).reactions.handler(),
        config=RunnerConfig(consumer="inventory-reactions", topics=(topic,), group_id=None,
                            retry_backoff_s=0.01))
    await runner.start()
    try:
        async with asyncio.timeout(30):
            while sum(runner.positions.values()) < 3:
                await runner.poll_once()
    finally:
        await runner.close()
    assert runner.dead_lettered == 0
    assert len(await api.outbox("SaleVoided")) == 1
    assert len(await api.outbox("StockReturned")) == 3
    assert await current_stock(api, shop) == before
    assert await api.pool.fetchval(
        "SELECT status FROM directory_members WHERE member_id = $1", newcomer) == "admitted"
