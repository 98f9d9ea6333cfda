"""The gateway behind the real consumer runner, on real Kafka and PostgreSQL: two partners
with different consents receive exactly their data, history only when consented, nothing
after a revocation, and nothing outside their partner contracts."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import jsonschema
import pytest
from partners_support import (
    BEFORE_GRANT,
    Api,
    Gateway,
    admitted,
    consumed,
    deposit,
    disbursed,
    goods,
    grant,
    produce,
    register,
    registered,
    repaid,
    sale,
)

from gotong_platform.ids import new_id
from partners.entrypoints.consumer import source_event

pytestmark = pytest.mark.integration


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


async def test_a_grant_waits_for_a_delivery_in_flight_and_then_covers_its_event(
    gateway: Gateway,
) -> None:
    """The event a consumer transaction is delivering while the grant arrives: that
    transaction read no consent, and the grant's backfill cannot see its uncommitted
    archive row. The cooperative's lock makes the grant wait for it, so the event is
    delivered once, not lost between the two."""
    api = gateway.api
    coop, member = new_id("cooperative"), new_id("member")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank Ende", "bank")
    in_flight = deposit(coop, member)  # recorded after the grant's instant: it is covered

    async with api.pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        assert await api.gateway.delivery.deliver(conn, [source_event(in_flight)]) == 0
        granting = asyncio.create_task(grant(api, coop, bank, ["savings"]))
        await asyncio.sleep(0.5)
        assert not granting.done()  # waiting for the delivery's transaction
        await transaction.commit()
    await granting

    items = (await gateway.feed(bank))["items"]
    assert [i["data"]["amount_idr"] for i in items] == [50_000]
