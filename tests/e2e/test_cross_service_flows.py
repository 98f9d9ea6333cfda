"""The three flows that cross services, end to end on real Kafka and PostgreSQL.

A sale at the shop (inventory issues stock, payments records the payment, or
refuses it and inventory compensates); buying a member's produce (inventory
receipt, payments payout with the loan instalment and simpanan wajib
deducted); a member's exit (payments prepares the refund of pokok and wajib minus
what she owes, a second pengurus approves and so pays it). Each includes a
redelivered event, and the sale flow an arrival out of
order (the payment is known before the member's admission reaches inventory).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from e2e_support import Consumer, Federation, eventually

from gotong_platform.envelope import decode_kafka_headers
from gotong_platform.testing.fixtures import business_now, business_today

pytestmark = pytest.mark.e2e

TODAY = business_today("WITA")  # the cooperatives below are in WITA


@dataclass
class Coop:
    cooperative_id: str
    admin: dict[str, str]   # pengurus (coop_admin)
    clerk: dict[str, str]   # kasir (coop_clerk)
    checker: dict[str, str]  # a second pengurus, for maker-checker


async def a_cooperative(f: Federation) -> Coop:
    fed = f.auth("federation_admin", "federation-office")
    coop = await f.post(f.members, "/cooperatives", {
        "name": "Koperasi Serba Usaha Wairinding", "coop_type": "multi_purpose",
        "legal_registration_number": f"AHU-{uuid.uuid4().hex[:12]}", "province_code": "53",
        "regency_code": "5311", "time_zone": "WITA", "registered_on": "2019-03-01"}, fed)
    cid = coop["cooperative_id"]
    await f.post(f.members, f"/cooperatives/{cid}/join-federation",
                 {"effective_date": "2019-04-01"}, fed)
    c = Coop(cid, f.auth("coop_admin", "pengurus-ketua", cooperative_id=cid),
             f.auth("coop_clerk", "kasir-1", cooperative_id=cid),
             f.auth("coop_admin", "pengurus-bendahara", cooperative_id=cid))

    async def known_everywhere() -> bool:  # each service learns of it from the events
        policy = await f.get(f.payments, f"/cooperatives/{cid}/savings-policy", c.admin)
        shops = await f.get(f.inventory, f"/cooperatives/{cid}/warehouses", c.admin)
        return policy.status_code == shops.status_code == 200
    await eventually(known_everywhere)
    return c


_seq = iter(range(1, 10_000))


async def a_member(f: Federation, c: Coop, *, wait_for_services: bool = True) -> str:
    n = next(_seq)
    applied = await f.post(f.members, f"/cooperatives/{c.cooperative_id}/members", {
        "full_name": f"Anggota {n}", "nik": f"531101450390{n:04d}",
        "gender": "P", "birth_date": "1990-03-05", "village_code": "5311012001",
        "applied_on": (TODAY - timedelta(days=60)).isoformat()}, c.clerk)
    member_id: str = applied["member_id"]
    await f.post(f.members, f"/cooperatives/{c.cooperative_id}/members/{member_id}/admit",
                 {"admitted_on": (TODAY - timedelta(days=59)).isoformat()}, c.admin)
    if wait_for_services:
        async def known() -> bool:
            savings = await f.get(f.payments, f"/cooperatives/{c.cooperative_id}/members/"
                                  f"{member_id}/savings", c.admin)
            return savings.status_code == 200
        await eventually(known)
    return member_id


async def a_shop(f: Federation, c: Coop) -> tuple[str, str]:
    """A shop with 100 packs of rice at Rp 70.000 (members) / Rp 75.000 (others)."""
    cid = c.cooperative_id
    shop = await f.post(f.inventory, f"/cooperatives/{cid}/warehouses",
                        {"name": "Gerai Sembako", "kind": "shop"}, c.admin)
    rice = await f.post(f.inventory, f"/cooperatives/{cid}/products", {
        "sku": "BRS-5KG", "name": "Beras 5 kg", "category": "staple_goods",
        "base_unit": "pcs"}, c.admin)
    for price_list, price in (("member", 70_000), ("non_member", 75_000)):
        await f.post(f.inventory, f"/cooperatives/{cid}/products/{rice['product_id']}/prices",
                     {"price_list": price_list, "price_idr": price}, c.admin)
    await f.post(f.inventory, f"/cooperatives/{cid}/warehouses/{shop['warehouse_id']}/"
                 "goods-receipts", {"product_id": rice["product_id"], "qty": 100,
                                    "total_cost_idr": 6_200_000}, c.clerk)
    return shop["warehouse_id"], rice["product_id"]


async def on_hand(f: Federation, c: Coop, warehouse: str, product: str) -> int:
    rows = (await f.get(f.inventory, f"/cooperatives/{c.cooperative_id}/warehouses/"
                        f"{warehouse}/stock", c.admin)).json()
    return int(next(r["on_hand"] for r in rows if r["product_id"] == product))


async def sale_status(f: Federation, c: Coop, sale_id: str) -> dict[str, Any]:
    response = await f.get(f.inventory, f"/cooperatives/{c.cooperative_id}/sales/{sale_id}",
                           c.admin)
    result: dict[str, Any] = response.json()
    return result


async def records_of(f: Federation, topic: str, event_type: str) -> list[Any]:
    consumer = AIOKafkaConsumer(bootstrap_servers=f.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        found = []
        async with asyncio.timeout(20):
            while any([await consumer.position(tp) < ends[tp] for tp in tps]):
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    found += [r for r in batch
                              if decode_kafka_headers(list(r.headers)).event_type == event_type]
        return found
    finally:
        await consumer.stop()


async def redeliver(f: Federation, record: Any, consumer: Consumer) -> None:
    """Publish ``record`` again (same event id) and wait until ``consumer`` has read it."""
    assert consumer.runner is not None
    before = consumer.runner.processed
    await f.producer.send_and_wait(record.topic, value=record.value, key=record.key,
                                   headers=list(record.headers))

    async def read() -> bool:
        assert consumer.runner is not None
        return consumer.runner.processed > before
    await eventually(read)


async def sync_sale(f: Federation, c: Coop, device: str, seq: int, payload: dict[str, Any]
                    ) -> dict[str, Any]:
    """A sale recorded on a till offline and uploaded later."""
    batch = {"device_id": device, "items": [{
        "client_id": str(uuid.uuid4()), "device_seq": seq, "type": "sale",
        "occurred_at": (business_now() - timedelta(hours=3)).isoformat(),
        "business_date": TODAY.isoformat(), "payload": payload}]}
    answer = (await f.inventory.post(f"/cooperatives/{c.cooperative_id}/sync", json=batch,
                                     headers=c.clerk)).json()
    result: dict[str, Any] = answer["results"][0]
    assert result["status"] == "accepted", result
    return result


async def test_shop_sale_completes_or_is_compensated_and_redelivery_changes_nothing(
    federation: Federation,
) -> None:
    f = federation
    c = await a_cooperative(f)
    member = await a_member(f, c)
    suspended = await a_member(f, c)
    shop, rice = await a_shop(f, c)
    cid = c.cooperative_id
    await f.post(f.members, f"/cooperatives/{cid}/members/{suspended}/suspend",
                 {"reason": "simpanan wajib unpaid", "suspended_on": TODAY.isoformat()}, c.admin)

    async def payments_knows_the_suspension() -> bool:
        response = await f.payments.post(
            f"/cooperatives/{cid}/members/{suspended}/savings/sukarela/deposits",
            json={"amount_idr": 1_000, "channel": "cash"},
            headers={**c.clerk, "Idempotency-Key": uuid.uuid4().hex})
        return response.status_code == 409
    await eventually(payments_knows_the_suspension)

    paid = await f.post(f.inventory, f"/cooperatives/{cid}/sales", {
        "warehouse_id": shop, "buyer_type": "member", "member_id": member,
        "lines": [{"product_id": rice, "qty": 2}],
        "payments": [{"method": "cash", "amount_idr": 140_000}]}, c.clerk, expect=201)
    # The till was offline and did not know the buyer had been suspended: kasbon.
    credit = (await sync_sale(f, c, "till-07", 1, {
        "warehouse_id": shop, "buyer_type": "member", "member_id": suspended,
        "lines": [{"product_id": rice, "qty": 3}],
        "payments": [{"method": "credit", "amount_idr": 210_000}]}))["result"]
    assert await on_hand(f, c, shop, rice) == 95  # both issued at once

    async def settled() -> bool:
        a = await sale_status(f, c, paid["sale_id"])
        b = await sale_status(f, c, credit["sale_id"])
        return a["status"] == "completed" and b["status"] == "voided"
    await eventually(settled)
    voided = await sale_status(f, c, credit["sale_id"])
    assert "credit-for-inactive-member-refused" in (voided["void_detail"] or "")  # the why
    assert await on_hand(f, c, shop, rice) == 98  # the voided sale's stock came back
    payment = (await f.get(f.payments, f"/cooperatives/{cid}/sales/{credit['sale_id']}/payment",
                           c.admin)).json()
    assert payment["status"] == "refused"

    # The refusal delivered again: nothing changes, no second return of stock.
    refusal = await records_of(f, f.topics["payments"], "SalePaymentRefused")
    assert len(refusal) == 1
    await redeliver(f, refusal[0], f.consumers["inventory"])
    # ... and the sale itself again to payments: no second payment record.
    recorded = [r for r in await records_of(f, f.topics["inventory"], "SaleRecorded")
                if r.key == paid["sale_id"].encode()]
    await redeliver(f, recorded[0], f.consumers["payments"])
    assert await on_hand(f, c, shop, rice) == 98
    assert (await sale_status(f, c, credit["sale_id"]))["status"] == "voided"
    assert (await sale_status(f, c, paid["sale_id"]))["status"] == "completed"
    assert len(await records_of(f, f.topics["payments"], "SalePaymentRecorded")) == 1
    assert len(await records_of(f, f.topics["inventory"], "StockReturned")) == 1


async def test_offline_sale_whose_payment_arrives_before_the_member_is_known(
    federation: Federation,
) -> None:
    f = federation
    c = await a_cooperative(f)
    await a_member(f, c)  # inventory's directory works...
    shop, rice = await a_shop(f, c)
    await f.consumers["inventory"].pause()  # ...then inventory's consumer falls behind
    late_member = await a_member(f, c)  # payments knows her, inventory not yet
    batch = {"device_id": "till-01", "items": [{
        "client_id": str(uuid.uuid4()), "device_seq": 1, "type": "sale",
        "occurred_at": (business_now() - timedelta(hours=3)).isoformat(),
        "business_date": TODAY.isoformat(),
        "payload": {"warehouse_id": shop, "buyer_type": "member", "member_id": late_member,
                    "lines": [{"product_id": rice, "qty": 4}],
                    "payments": [{"method": "cash", "amount_idr": 280_000}]}}]}
    answer = (await f.inventory.post(f"/cooperatives/{c.cooperative_id}/sync", json=batch,
                                     headers=c.clerk)).json()
    result = answer["results"][0]
    assert result["status"] == "accepted", result
    assert "member_unverified" in result["flags"]
    sale_id = result["result"]["sale_id"]

    async def payment_recorded() -> bool:
        response = await f.get(f.payments, f"/cooperatives/{c.cooperative_id}/sales/{sale_id}/"
                               "payment", c.admin)
        return response.status_code == 200 and response.json()["status"] == "recorded"
    await eventually(payment_recorded)
    assert (await sale_status(f, c, sale_id))["status"] == "recorded"
    # Inventory catches up: the payment and the member's admission, in whatever order.
    await f.consumers["inventory"].start()

    async def completed() -> bool:
        return (await sale_status(f, c, sale_id))["status"] == "completed"
    await eventually(completed)
    again = (await f.inventory.post(f"/cooperatives/{c.cooperative_id}/sync", json=batch,
                                    headers=c.clerk)).json()
    assert again["results"][0]["status"] == "duplicate"
    assert await on_hand(f, c, shop, rice) == 96


async def a_disbursed_loan(f: Federation, c: Coop, member: str, principal: int) -> str:
    cid = c.cooperative_id
    loan = await f.post(f.payments, f"/cooperatives/{cid}/loans", {
        "member_id": member, "principal_idr": principal, "term_months": 10,
        "interest_rate_bp_per_month": 150, "method": "flat", "penalty_bp_per_month": 0,
        "first_due_date": (TODAY - timedelta(days=10)).isoformat(),
        "applied_on": (TODAY - timedelta(days=45)).isoformat()}, c.clerk, expect=201)
    path = f"/cooperatives/{cid}/loans/{loan['loan_id']}"
    await f.post(f.payments, f"{path}/approve",
                 {"approved_on": (TODAY - timedelta(days=44)).isoformat()}, c.checker)
    await f.post(f.payments, f"{path}/disburse",
                 {"disbursed_on": (TODAY - timedelta(days=43)).isoformat()}, c.checker)
    loan_id: str = loan["loan_id"]
    return loan_id


async def test_produce_purchase_pays_out_after_loan_instalment_and_wajib(
    federation: Federation,
) -> None:
    f = federation
    c = await a_cooperative(f)
    cid = c.cooperative_id
    farmer = await a_member(f, c)
    loan_id = await a_disbursed_loan(f, c, farmer, 1_000_000)  # instalment 100.000 + 15.000
    period = f"{TODAY:%Y-%m}"
    await f.post(f.payments, f"/cooperatives/{cid}/wajib-billing", {"period": period}, c.admin)
    warehouse = (await f.post(f.inventory, f"/cooperatives/{cid}/warehouses",
                              {"name": "Gudang Kopi", "kind": "warehouse"}, c.admin))
    coffee = await f.post(f.inventory, f"/cooperatives/{cid}/products", {
        "sku": "KOPI-GB", "name": "Kopi arabika green bean", "category": "farm_produce",
        "base_unit": "g", "lot_tracking": "lot"}, c.admin)
    await f.post(f.inventory, f"/cooperatives/{cid}/products/{coffee['product_id']}/prices",
                 {"price_list": "buy_from_member", "price_idr": 45_000, "per_qty": 1000},
                 c.admin)
    receipt = await f.post(f.inventory, f"/cooperatives/{cid}/warehouses/"
                           f"{warehouse['warehouse_id']}/produce-receipts", {
                               "member_id": farmer, "product_id": coffee["product_id"],
                               "gross_qty_g": 52_300, "tare_g": 300, "grade": "A",
                               "lot_id": "KOPI-2026-A1",
                               "harvest_date": (TODAY - timedelta(days=2)).isoformat()},
                           c.clerk, expect=201)
    assert receipt["amount_idr"] == 2_340_000  # 52.000 g at Rp 45.000 per kg

    async def payout() -> Any:
        rows = (await f.get(f.payments, f"/cooperatives/{cid}/payouts?member_id={farmer}",
                            c.admin)).json()
        return rows[0] if rows else None
    paid = await eventually(payout)
    deductions = {d["type"]: d["amount_idr"] for d in paid["deductions"] if d["amount_idr"]}
    assert deductions == {"loan_instalment": 115_000, "simpanan_wajib": 10_000}
    assert paid["gross_idr"] == 2_340_000
    assert paid["net_paid_idr"] + sum(deductions.values()) == paid["gross_idr"]
    loan = (await f.get(f.payments, f"/cooperatives/{cid}/loans/{loan_id}", c.admin)).json()
    assert loan["outstanding_principal_idr"] == 900_000
    savings = (await f.get(f.payments, f"/cooperatives/{cid}/members/{farmer}/savings",
                           c.admin)).json()
    assert savings["wajib_arrears_idr"] == 0

    # The receipt delivered to payments again: no second payout, no second deduction.
    record = (await records_of(f, f.topics["inventory"], "ProduceReceivedFromMember"))[0]
    await redeliver(f, record, f.consumers["payments"])
    rows = (await f.get(f.payments, f"/cooperatives/{cid}/payouts?member_id={farmer}",
                        c.admin)).json()
    assert len(rows) == 1
    loan = (await f.get(f.payments, f"/cooperatives/{cid}/loans/{loan_id}", c.admin)).json()
    assert loan["outstanding_principal_idr"] == 900_000


async def test_member_exit_refunds_pokok_and_wajib_minus_what_she_owes(
    federation: Federation,
) -> None:
    f = federation
    c = await a_cooperative(f)
    cid = c.cooperative_id
    await f.post(f.payments, f"/cooperatives/{cid}/savings-policy",
                 {"pokok_idr": 100_000, "wajib_idr": 25_000, "wajib_due_day": 10}, c.admin)
    member = await a_member(f, c)
    for kind, amount in (("pokok", 100_000), ("wajib", 75_000)):
        await f.post(f.payments, f"/cooperatives/{cid}/members/{member}/savings/{kind}/"
                     "deposits", {"amount_idr": amount, "channel": "cash"}, c.clerk, expect=201)
    loan_id = await a_disbursed_loan(f, c, member, 120_000)  # owes 120.000 + interest
    loan = (await f.get(f.payments, f"/cooperatives/{cid}/loans/{loan_id}", c.admin)).json()
    owed = (loan["outstanding_principal_idr"] + loan["outstanding_interest_idr"]
            + loan["outstanding_penalty_idr"])
    await f.post(f.members, f"/cooperatives/{cid}/members/{member}/exit",
                 {"reason": "moved_away", "exited_on": TODAY.isoformat()}, c.admin)

    async def refunded() -> Any:
        response = await f.get(f.payments, f"/cooperatives/{cid}/members/{member}/exit-refund",
                               c.admin)
        return response.json() if response.status_code == 200 else None
    pending = await eventually(refunded)  # prepared on the exit; nothing is paid yet
    assert (pending["status"], pending["prepared_by"]) == ("pending", "pengurus-ketua")
    loan = (await f.get(f.payments, f"/cooperatives/{cid}/loans/{loan_id}", c.admin)).json()
    assert loan["outstanding_principal_idr"] == 120_000
    approve = f"/cooperatives/{cid}/members/{member}/exit-refund/approve"
    refused = await f.post(f.payments, approve, {}, c.admin, expect=409)  # recorded the exit
    assert refused["code"] == "maker-checker-violation"
    refund = await f.post(f.payments, approve, {}, c.checker, expect=200)
    assert (refund["status"], refund["approved_by"]) == ("approved", "pengurus-bendahara")
    assert (refund["pokok_idr"], refund["wajib_idr"]) == (100_000, 75_000)
    assert refund["offset_idr"] == min(owed, 175_000)
    assert refund["refund_idr"] == 175_000 - refund["offset_idr"]
    loan = (await f.get(f.payments, f"/cooperatives/{cid}/loans/{loan_id}", c.admin)).json()
    assert loan["outstanding_principal_idr"] == 0
    exits = await records_of(f, f.topics["members"], "MemberExited")
    await redeliver(f, exits[0], f.consumers["payments"])

    async def published() -> list[Any]:  # the relay publishes the approval's event
        return await records_of(f, f.topics["payments"], "MemberExitRefunded")
    await eventually(published)
    assert len(await published()) == 1
    assert await refunded() == refund


