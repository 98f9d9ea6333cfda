"""The reactions behind the real consumer runner, on real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from payments_harness import Api, a_sale, consumed

from gotong_platform.consumer import ConsumerRunner, RunnerConfig
from gotong_platform.contracts import members as mem
from gotong_platform.ids import new_id
from gotong_platform.kafka import make_consumer, make_producer
from gotong_testing.kafka import publish

pytestmark = pytest.mark.integration

TRACE_ID = uuid.uuid4().hex


async def test_consumed_events_react_once_in_the_consumers_transaction_and_flow(
    api: Api, topic_factory, kafka_bootstrap: str,  # type: ignore[no-untyped-def]
) -> None:
    members_topic, inventory_topic = await topic_factory("members"), await topic_factory("inv")
    coop, member = new_id("cooperative"), new_id("member")
    registered = consumed(mem.CooperativeRegisteredV1(
        cooperative_id=coop, name="Koperasi Kopi Flores", legal_registration_number=coop,
        coop_type="producer", province_code="53", regency_code="5312", time_zone="WITA",
        fiscal_year_start_month=1, loop="closed", registered_on=date(2020, 1, 1)),
        stream_id=coop, version=1)
    admitted = consumed(mem.MemberAdmittedV1(
        cooperative_id=coop, member_id=member, member_no="00007", gender="L",
        village_code="5312010001", admitted_on=date(2026, 1, 2)), stream_id=member, version=2)
    sale = a_sale(coop, payments=[("credit", 25_000)])
    sold = consumed(sale, stream_id=sale.sale_id, version=1,
                    traceparent=f"00-{TRACE_ID}-{uuid.uuid4().hex[:16]}-01")
    resent = consumed(sale, stream_id=sale.sale_id, version=1)  # the fact as a new event
    records = [(members_topic, registered), (members_topic, admitted),
               (members_topic, admitted), (inventory_topic, sold), (inventory_topic, resent)]

    await publish(kafka_bootstrap, records)
    runner = ConsumerRunner(
        pool=api.pool,
        consumer=make_consumer(kafka_bootstrap, group_id=None, client_id="payments-test"),
        dlq_producer=make_producer(kafka_bootstrap, client_id="payments-test-dlq"),
        handler=api.reactions.handler(),
        config=RunnerConfig(consumer="payments-reactions",
                            topics=(members_topic, inventory_topic), group_id=None))
    await runner.start()
    try:
        async with asyncio.timeout(60):
            while sum(runner.positions.values()) < len(records):
                await runner.poll_once()
    finally:
        await runner.close()

    assert runner.dead_lettered == 0
    opened = await api.rows("SELECT savings_type FROM savings_accounts WHERE member_id = $1",
                            member)
    assert sorted(r["savings_type"] for r in opened) == ["pokok", "sukarela", "wajib"]
    reaction = await api.rows(
        "SELECT e.causation_id, e.correlation_id, e.traceparent, o.payload FROM events e "
        "JOIN outbox o USING (event_id) WHERE e.event_type = 'SalePaymentRefused'")
    assert len(reaction) == 1
    assert reaction[0]["causation_id"] == sold.envelope.event_id
    assert reaction[0]["correlation_id"] == sold.envelope.correlation_id
    assert reaction[0]["traceparent"].split("-")[1] == TRACE_ID  # one trace per flow
    positions = await api.rows("SELECT topic, sum(next_offset) AS n FROM consumer_positions "
                               "WHERE consumer = 'payments-reactions' GROUP BY topic")
    assert {r["topic"]: r["n"] for r in positions} == {members_topic: 3, inventory_topic: 2}
