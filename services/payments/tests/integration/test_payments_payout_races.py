"""No payout is lost when clerks keep writing the member's wajib while her produce
receipts are paid out (the race a nemesis run found: 33 of 293 payouts dead-lettered
with ``ConcurrencyConflict``). Real Kafka, the real consumer runner, real PostgreSQL,
the deposits through the HTTP API at the same time.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from payments_harness import Api, a_produce_receipt, consumed

from gotong_platform.consumer import ConsumerRunner, RunnerConfig
from gotong_platform.kafka import make_consumer, make_producer
from gotong_testing.kafka import publish

pytestmark = pytest.mark.integration

RECEIPTS = 40
CLERKS, DEPOSITS_EACH, DEPOSIT_IDR = 12, 8, 10_000
GROSS_IDR = 100_000
WAJIB_IDR = 2_000_000  # a large monthly wajib: arrears outlast the whole test
PERIODS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")


async def test_every_receipt_is_paid_while_clerks_deposit_into_the_same_wajib(
    api: Api, topic_factory, kafka_bootstrap: str,  # type: ignore[no-untyped-def]
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    await api.post(f"/cooperatives/{coop}/savings-policy",
                   {"pokok_idr": 50_000, "wajib_idr": WAJIB_IDR, "wajib_due_day": 10},
                   staff.chair)
    member = await api.admit(coop)
    for period in PERIODS:
        billed = await api.post(f"/cooperatives/{coop}/wajib-billing", {"period": period},
                                staff.chair)
        assert billed.status_code == 200, billed.text
    receipts = [a_produce_receipt(coop, member, amount_idr=GROSS_IDR,
                                  business_date=date(2026, 7, 1)) for _ in range(RECEIPTS)]
    topic = await topic_factory("inventory")
    await publish(kafka_bootstrap, [(topic, consumed(r, stream_id=r.receipt_id, version=1))
                                    for r in receipts])

    async def clerk() -> None:
        token = api.token("coop_clerk", cooperative_id=coop)  # each clerk signs in
        path = f"/cooperatives/{coop}/members/{member}/savings/wajib/deposits"
        for _ in range(DEPOSITS_EACH):
            key = None
            for _ in range(50):  # a field device retries a 409 with the same key
                reply = await api.post(path, {"amount_idr": DEPOSIT_IDR, "channel": "cash"},
                                       token, key=key)
                key = reply.request.headers["Idempotency-Key"]
                if reply.status_code != 409:
                    break
                await asyncio.sleep(0.02)
            assert reply.status_code == 201, reply.text

    runner = ConsumerRunner(
        pool=api.pool,
        consumer=make_consumer(kafka_bootstrap, group_id=None, client_id="payments-race"),
        dlq_producer=make_producer(kafka_bootstrap, client_id="payments-race-dlq"),
        handler=api.reactions.handler(),
        config=RunnerConfig(consumer="payments-reactions", topics=(topic,), group_id=None,
                            max_records=1))  # one receipt a transaction: most races

    async def consume() -> None:
        await runner.start()
        try:
            async with asyncio.timeout(120):
                while sum(runner.positions.values()) < RECEIPTS:
                    await runner.poll_once()
        finally:
            await runner.close()

    await asyncio.gather(consume(), *(clerk() for _ in range(CLERKS)))

    assert runner.dead_lettered == 0
    payouts = (await api.get(f"/cooperatives/{coop}/payouts", staff.clerk,
                             member_id=member)).json()
    assert sorted(p["receipt_id"] for p in payouts) == sorted(r.receipt_id for r in receipts)
    deducted = 0
    for payout in payouts:
        assert payout["gross_idr"] == GROSS_IDR
        assert payout["net_paid_idr"] + sum(d["amount_idr"] for d in payout["deductions"]) \
            == GROSS_IDR
        deducted += sum(d["amount_idr"] for d in payout["deductions"])
    assert deducted == RECEIPTS * GROSS_IDR  # the arrears took every rupiah of every receipt
    savings = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                             staff.clerk)).json()
    paid = deducted + CLERKS * DEPOSITS_EACH * DEPOSIT_IDR
    assert savings["wajib_arrears_idr"] == len(PERIODS) * WAJIB_IDR - paid
    assert await api.rows("SELECT 1 FROM dead_letters") == []
