"""The staff's oversight reads on real PostgreSQL and Kafka: the federation office sees
every partner, consent and delivery; a cooperative admin sees the partners of its own
consents, its own consents only, and each delivery as far as its own events go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from partners_support import Api, Gateway, consumed, deposit, grant, register, registered
from test_partners_webhooks import SINK, Receiver, dispatcher, set_webhook

from gotong_platform.ids import new_id

pytestmark = pytest.mark.integration


async def read(api: Api, path: str, headers: dict[str, str], **params: Any
               ) -> dict[str, Any]:
    answer = await api.client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def by(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


async def test_each_sees_its_own_partners_consents_and_deliveries(gateway: Gateway) -> None:
    api = gateway.api
    coop_a, coop_b, member = new_id("cooperative"), new_id("cooperative"), new_id("member")
    await gateway.send(consumed(registered(coop_a), stream_id=coop_a),
                       consumed(registered(coop_b), stream_id=coop_b))
    bank = await register(api, "Bank NTT", "bank")
    buyer = await register(api, "PT Kopi Flores", "buyer")
    await grant(api, coop_a, bank, ["savings"])
    consent_b = await grant(api, coop_b, bank, ["savings"])
    to_buyer = await grant(api, coop_a, buyer, ["produce"])
    pengurus_a = api.token("coop_admin", cooperative_id=coop_a, subject="pengurus-a")
    pengurus_b = api.token("coop_admin", cooperative_id=coop_b, subject="pengurus-b")
    office = api.token("federation_admin", subject="federation-office")
    revoked = await api.post(f"/cooperatives/{coop_a}/consents/{to_buyer}/revoke",
                             {"reason": "kontrak selesai"}, pengurus_a)
    assert revoked.status_code == 200, revoked.text

    # The bank's webhook takes A's two deposits and B's one, then refuses A's third.
    receiver = Receiver()
    receiver.secret = (await set_webhook(api, bank)).json()["secret"]
    dispatch = dispatcher(api, receiver)
    await gateway.send(deposit(coop_a, member, amount=1_000), deposit(coop_a, member,
                                                                      amount=2_000),
                       deposit(coop_b, new_id("member"), amount=3_000))
    assert await dispatch.run_once() == 3
    receiver.failing = 1
    await gateway.send(deposit(coop_a, member, amount=4_000))
    assert await dispatch.run_once() == 0

    # --- partners -------------------------------------------------------------------
    everyone = await read(api, "/oversight/partners", office)
    assert everyone["total"] == 2
    partners = by(everyone["items"], "partner_id")
    assert [p["name"] for p in everyone["items"]] == ["Bank NTT", "PT Kopi Flores"]
    assert {k: partners[bank][k] for k in ("kind", "status", "consents_in_force",
                                          "consents_revoked", "cooperatives_in_force",
                                          "delivery", "webhooks")} == {
        "kind": "bank", "status": "active", "consents_in_force": 2, "consents_revoked": 0,
        "cooperatives_in_force": 2, "delivery": "failing", "webhooks": 1}
    assert (partners[buyer]["status"], partners[buyer]["consents_revoked"],
            partners[buyer]["delivery"]) == ("inactive", 1, "pull")
    of_a = by((await read(api, "/oversight/partners", pengurus_a))["items"], "partner_id")
    assert set(of_a) == {bank, buyer}  # the buyer held A's consent
    assert (of_a[bank]["consents_in_force"], of_a[bank]["cooperatives_in_force"]) == (1, 1)
    of_b = await read(api, "/oversight/partners", pengurus_b)
    assert [p["partner_id"] for p in of_b["items"]] == [bank]
    assert of_b["total"] == 1

    # --- consents -------------------------------------------------------------------
    consents = await read(api, "/oversight/consents", office)
    assert consents["total"] == 3
    assert {c["cooperative_id"] for c in consents["items"]} == {coop_a, coop_b}
    own = await read(api, "/oversight/consents", pengurus_a)
    assert {c["cooperative_id"] for c in own["items"]} == {coop_a}
    assert own["total"] == 2
    gone = by(own["items"], "consent_id")[to_buyer]
    assert (gone["partner_name"], gone["granted_by"], gone["revoked_by"],
            gone["revoke_reason"], gone["cooperative_name"]) == (
        "PT Kopi Flores", "pengurus-x", "pengurus-a", "kontrak selesai",
        "Koperasi Kopi Flores")
    assert gone["revoked_at"] is not None
    in_force = await read(api, "/oversight/consents", pengurus_a, state="in_force")
    assert [c["partner_id"] for c in in_force["items"]] == [bank]
    only_b = await read(api, "/oversight/consents", office, cooperative_id=coop_b)
    assert [c["consent_id"] for c in only_b["items"]] == [consent_b]
    of_bank = await read(api, "/oversight/consents", office, partner_id=bank,
                         state="revoked")
    assert of_bank["items"] == []
    other = await api.client.get("/oversight/consents", params={"cooperative_id": coop_b},
                                 headers=pengurus_a)
    assert (other.status_code, other.json()["code"]) == (404, "cooperative-not-found")

    # --- deliveries -----------------------------------------------------------------
    fed = await read(api, "/oversight/deliveries", office)
    assert fed["total"] == 1  # the buyer has no subscription
    (hook,) = fed["items"]
    assert {k: hook[k] for k in ("partner_id", "protocol", "default_webhook", "sink",
                                 "status", "enabled", "failures", "last_error",
                                 "delivered_position", "pending", "pending_capped",
                                 "failed_24h")} == {
        "partner_id": bank, "protocol": "HTTP", "default_webhook": True, "sink": SINK,
        "status": "failing", "enabled": True, "failures": 1, "last_error": "HTTP 500",
        "delivered_position": 3, "pending": 1, "pending_capped": False, "failed_24h": 1}
    # Order holds per stream, not across the cooperatives: read the positions back.
    feed = (await gateway.feed(bank))["items"]
    amounts = {item["position"]: item["data"]["amount_idr"] for item in feed}
    assert [amounts[p] for p in sorted(amounts)][-1] == 4_000  # the one refused
    assert hook["last_delivered"]["position"] == 3
    assert hook["last_delivered"]["webhook_id"] == receiver.ids[2] == feed[2]["id"]
    assert hook["last_delivered"]["type"] == "gotong.partner.savings.SavingsMovement.v1"

    (seen_by_a,) = (await read(api, "/oversight/deliveries", pengurus_a))["items"]
    assert seen_by_a["sink"] is None  # the partner's URL is the federation office's
    assert (seen_by_a["pending"], seen_by_a["failed_24h"], seen_by_a["status"]) == (
        1, 1, "failing")
    assert amounts[seen_by_a["last_delivered"]["position"]] == 2_000  # A's own, not B's
    (seen_by_b,) = (await read(api, "/oversight/deliveries", pengurus_b))["items"]
    assert (seen_by_b["pending"], seen_by_b["failed_24h"]) == (0, 0)
    assert amounts[seen_by_b["last_delivered"]["position"]] == 3_000

    # The failures of the last 24 hours only; then three days of them disable it.
    api.clock.advance(timedelta(hours=25))
    assert (await read(api, "/oversight/deliveries", office))["items"][0]["failed_24h"] == 0
    receiver.failing = 10_000
    refused: list[Any] = []  # when each attempt was refused
    while (await read(api, "/oversight/deliveries", office))["items"][0]["enabled"]:
        api.clock.advance(timedelta(hours=1))
        await dispatch.run_once()
        refused.append(api.clock.now())
    (disabled,) = (await read(api, "/oversight/deliveries", office))["items"]
    assert (disabled["status"], disabled["enabled"]) == ("disabled", False)
    assert disabled["failed_24h"] == sum(
        1 for t in refused if t > api.clock.now() - timedelta(hours=24)) == 24
    partners = by((await read(api, "/oversight/partners", office))["items"], "partner_id")
    assert partners[bank]["delivery"] == "disabled"
    assert partners[bank]["webhooks_disabled"] == 1


async def test_pages_bad_parameters_and_other_roles(api: Api) -> None:
    office = api.token("federation_admin", subject="federation-office")
    for name in ("Bank Alor", "Bank Flores", "Bank Sumba"):
        await register(api, name, "bank")
    first = await read(api, "/oversight/partners", office, limit=2)
    rest = await read(api, "/oversight/partners", office, limit=2, offset=2)
    assert [p["name"] for p in first["items"] + rest["items"]] == [
        "Bank Alor", "Bank Flores", "Bank Sumba"]
    assert (first["total"], rest["total"], rest["offset"], rest["limit"]) == (3, 3, 2, 2)

    for path, params in [("/oversight/partners", {"limit": 0}),
                         ("/oversight/partners", {"limit": 201}),
                         ("/oversight/consents", {"offset": -1}),
                         ("/oversight/consents", {"offset": 100_001}),
                         ("/oversight/consents", {"state": "expired"}),
                         ("/oversight/consents", {"partner_id": "p" * 101}),
                         ("/oversight/deliveries", {"limit": "many"})]:
        answer = await api.client.get(path, params=params, headers=office)
        assert answer.status_code == 422, (path, params, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")

    coop = new_id("cooperative")
    for token in (api.token("regional_officer", region="53"),
                  api.token("coop_clerk", cooperative_id=coop),
                  api.token("partner", subject="partner-00000000-0000-7000-8000-000000000000")):
        for path in ("/oversight/partners", "/oversight/consents", "/oversight/deliveries"):
            answer = await api.client.get(path, headers=token)
            assert answer.status_code == 403, (path, answer.text)
    assert (await api.client.get("/oversight/partners")).status_code == 401
    # a cooperative admin without any consent yet: nothing, not an error
    empty = await read(api, "/oversight/partners",
                       api.token("coop_admin", cooperative_id=coop))
    assert (empty["items"], empty["total"]) == ([], 0)


async def test_the_federation_office_re_enables_a_disabled_webhook(gateway: Gateway) -> None:
    api = gateway.api
    coop, member = new_id("cooperative"), new_id("member")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank Sikka", "bank")
    await grant(api, coop, bank, ["savings"])
    office = api.token("federation_admin", subject="federation-office")
    receiver = Receiver()
    receiver.secret = (await set_webhook(api, bank)).json()["secret"]
    subscription = f"subscription-{bank.removeprefix('partner-')}"
    dispatch = dispatcher(api, receiver)
    await gateway.send(deposit(coop, member, amount=1_000))
    assert await dispatch.run_once() == 1
    path = f"/oversight/deliveries/{subscription}/enable"
    # Enabled: nothing to re-enable.
    answer = await api.post(path, {}, office)
    assert (answer.status_code, answer.json()["code"]) == (409, "delivery-not-disabled")
    # Disabled after persistent failures (as the dispatcher leaves it, three days on).
    await api.pool.execute(
        """UPDATE webhook_endpoints SET enabled = false, failures = 40,
               failing_since = now() - interval '3 days', last_error = 'HTTP 503'
           WHERE subscription_id = $1""", subscription)
    await gateway.send(deposit(coop, member, amount=2_000))
    assert await dispatch.run_once() == 0
    # Neither a cooperative's admin, nor the partner, nor a clerk re-enables it here.
    for token in (api.token("coop_admin", cooperative_id=coop),
                  api.token("partner", subject=bank), api.token("coop_clerk", cooperative_id=coop)):
        refused = await api.post(path, {}, token)
        assert refused.status_code == 403, refused.text
    for unknown in (f"subscription-{new_id('x')}", "not-a-subscription"):
        missing = await api.post(f"/oversight/deliveries/{unknown}/enable", {}, office)
        assert (missing.status_code, missing.json()["code"]) == (404, "subscription-not-found")

    answer = await api.post(path, {}, office)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"subscription_id": subscription, "partner_id": bank,
                             "enabled": True}
    row = await api.pool.fetchrow(
        "SELECT enabled, failures, last_error, delivered_position FROM webhook_endpoints "
        "WHERE subscription_id = $1", subscription)
    assert (row["enabled"], row["failures"], row["last_error"]) == (True, 0, None)
    assert row["delivered_position"] == 1  # it resumes where it stood
    assert await dispatch.run_once() == 1
    assert [e["data"]["amount_idr"] for e in receiver.received] == [1_000, 2_000]
    # Nor does a webhook carry the internal actor (the clerk's token subject).
    assert not [e for e in receiver.received if "actorid" in e or "user-kasir" in str(e)]
    # Who did it is an event of the subscription's stream.
    events = await api.rows("SELECT actor, payload FROM events WHERE stream_id = $1 AND "
                            "event_type = 'SubscriptionReEnabled'", subscription)
    assert [e["payload"]["reenabled_by"] for e in events] == ["federation-office"]
    deliveries = await read(api, "/oversight/deliveries", office, partner_id=bank)
    assert by(deliveries["items"], "subscription_id")[subscription]["enabled"] is True
