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

import uuid
from datetime import timedelta
from typing import Any

import pytest
from builders import (
    Coop,
    a_cooperative,
    a_deposit,
    a_loan,
    a_member,
    a_product,
    a_stocked_shop,
    a_warehouse,
)
from e2e_support import Consumer, Federation, eventually, records_on

from gotong_testing import business_now, business_today

pytestmark = pytest.mark.e2e

TODAY = business_today("WITA")  # the cooperatives below are in WITA
WAIRINDING = "Koperasi Serba Usaha Wairinding"  # in regency 5311 (Sumba Timur)
MEMBER_SINCE = 60  # days before TODAY that the tests' members applied


async def a_rice_shop(f: Federation, c: Coop) -> tuple[str, str]:
    """A shop with 100 packs of rice at Rp 70.000 (members) / Rp 75.000 (others)."""
    return await a_stocked_shop(f, c, "Gerai Sembako", "BRS-5KG", "staple_goods",
                                (70_000, 75_000), (100, 6_200_000), product_name="Beras 5 kg")


async def on_hand(f: Federation, c: Coop, warehouse: str, product: str) -> int:
    rows = (await f.get(f.inventory, f"/cooperatives/{c.cooperative_id}/warehouses/"
                        f"{warehouse}/stock", c.admin)).json()
    return int(next(r["on_hand"] for r in rows if r["product_id"] == product))


async def sale_status(f: Federation, c: Coop, sale_id: str) -> dict[str, Any]:
    response = await f.get(f.inventory, f"/cooperatives/{c.cooperative_id}/sales/{sale_id}",
                           c.admin)
    result: dict[str, Any] = response.json()
    return result


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
    c = await a_cooperative(f, WAIRINDING, "5311", savings_policy=False)
    member = await a_member(f, c, applied_days_ago=MEMBER_SINCE)
    suspended = await a_member(f, c, applied_days_ago=MEMBER_SINCE)
    shop, rice = await a_rice_shop(f, c)
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
    refusal = await records_on(f.bootstrap, f.topics["payments"], "SalePaymentRefused")
    assert len(refusal) == 1
    await redeliver(f, refusal[0], f.consumers["inventory"])
    # ... and the sale itself again to payments: no second payment record.
    recorded = [r for r in await records_on(f.bootstrap, f.topics["inventory"], "SaleRecorded")
                if r.key == paid["sale_id"].encode()]
    await redeliver(f, recorded[0], f.consumers["payments"])
    assert await on_hand(f, c, shop, rice) == 98
    assert (await sale_status(f, c, credit["sale_id"]))["status"] == "voided"
    assert (await sale_status(f, c, paid["sale_id"]))["status"] == "completed"
    assert len(await records_on(f.bootstrap, f.topics["payments"], "SalePaymentRecorded")) == 1
    assert len(await records_on(f.bootstrap, f.topics["inventory"], "StockReturned")) == 1


async def test_offline_sale_whose_payment_arrives_before_the_member_is_known(
    federation: Federation,
) -> None:
    f = federation
    c = await a_cooperative(f, WAIRINDING, "5311", savings_policy=False)
    await a_member(f, c, applied_days_ago=MEMBER_SINCE)  # inventory's directory works...
    shop, rice = await a_rice_shop(f, c)
    await f.consumers["inventory"].pause()  # ...then inventory's consumer falls behind
    # payments knows her, inventory not yet
    late_member = await a_member(f, c, applied_days_ago=MEMBER_SINCE)
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
    """Applied 45 days ago, its first instalment due 10 days ago."""
    return await a_loan(f, c, member, principal, applied=TODAY - timedelta(days=45),
                        first_due=TODAY - timedelta(days=10))


async def test_produce_purchase_pays_out_after_loan_instalment_and_wajib(
    federation: Federation,
) -> None:
    f = federation
    c = await a_cooperative(f, WAIRINDING, "5311", savings_policy=False)
    cid = c.cooperative_id
    farmer = await a_member(f, c, applied_days_ago=MEMBER_SINCE)
    loan_id = await a_disbursed_loan(f, c, farmer, 1_000_000)  # instalment 100.000 + 15.000
    period = f"{TODAY:%Y-%m}"
    await f.post(f.payments, f"/cooperatives/{cid}/wajib-billing", {"period": period}, c.admin)
    warehouse = await a_warehouse(f, c, "Gudang Kopi", "warehouse")
    coffee = await a_product(f, c, "KOPI-GB", "farm_produce", "g", {"buy_from_member": 45_000},
                             per_qty=1000, name="Kopi arabika green bean")
    receipt = await f.post(f.inventory, f"/cooperatives/{cid}/warehouses/"
                           f"{warehouse}/produce-receipts", {
                               "member_id": farmer, "product_id": coffee,
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
    record = (await records_on(f.bootstrap, f.topics["inventory"], "ProduceReceivedFromMember"))[0]
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
    c = await a_cooperative(f, WAIRINDING, "5311")  # with the savings policy
    cid = c.cooperative_id
    member = await a_member(f, c, applied_days_ago=MEMBER_SINCE)
    for kind, amount in (("pokok", 100_000), ("wajib", 75_000)):
        await a_deposit(f, c, member, kind, amount)
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
    exits = await records_on(f.bootstrap, f.topics["members"], "MemberExited")
    await redeliver(f, exits[0], f.consumers["payments"])

    async def published() -> list[Any]:  # the relay publishes the approval's event
        return await records_on(f.bootstrap, f.topics["payments"], "MemberExitRefunded")
    await eventually(published)
    assert len(await published()) == 1
    assert await refunded() == refund


