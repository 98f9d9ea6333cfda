"""Subscriptions (CloudEvents Subscriptions API) on real Kafka and PostgreSQL: two
partners with different subscriptions receive, pushed and pulled, exactly what their
subscriptions select of what their consents allow; updates and deletions take effect;
the webhook is the partner's default HTTP subscription; bad subscriptions are refused
with a problem and write nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from partners_support import (
    Api,
    Gateway,
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
from starlette.applications import Starlette
from starlette.routing import Route
from test_partners_webhooks import Receiver

from gotong_platform.ids import new_id
from partners.adapters.webhooks import PostgresWebhookStore
from partners.application.webhooks import WebhookDispatch
from partners.main import build_dispatch

pytestmark = pytest.mark.integration

SAVINGS = "gotong.partner.savings.SavingsMovement.v1"
LOANS = "gotong.partner.loans.LoanEvent.v1"
PRODUCE = "gotong.partner.produce.ProduceReceipt.v1"
STOCK = "gotong.partner.stock.StockMovement.v1"
SALES = "gotong.partner.sales.Sale.v1"
HOST = "https://receiver.example"


@dataclass
class Partner:
    api: Api
    partner_id: str

    @property
    def token(self) -> dict[str, str]:
        return self.api.token("partner", subject=self.partner_id)

    async def subscribe(self, **body: Any) -> dict[str, Any]:
        answer = await self.api.post("/partner/subscriptions", body, self.token)
        assert answer.status_code == 201, answer.text
        created: dict[str, Any] = answer.json()
        return created

    async def put(self, subscription_id: str, **body: Any) -> httpx.Response:
        return await self.api.client.put(
            f"/partner/subscriptions/{subscription_id}", json=body,
            headers={**self.token, "Idempotency-Key": new_id("key")})

    async def delete(self, subscription_id: str) -> httpx.Response:
        return await self.api.client.delete(
            f"/partner/subscriptions/{subscription_id}",
            headers={**self.token, "Idempotency-Key": new_id("key")})

    async def pull(self, **params: Any) -> list[dict[str, Any]]:
        answer = await self.api.client.get("/partner/feed", params=params, headers=self.token)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items


def receivers_dispatch(api: Api, receivers: dict[str, Receiver]) -> WebhookDispatch:
    """One dispatcher posting to several receivers, each at ``HOST/<name>``."""
    app = Starlette(routes=[Route(f"/{name}", receiver.hook, methods=["POST"])
                            for name, receiver in receivers.items()])
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    return build_dispatch(api.settings, PostgresWebhookStore(api.pool), client, api.clock)


def kinds(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((i["type"].split(".")[2], i["data"].get("event") or i["data"].get("movement")
                   or "") for i in items)


async def test_two_partners_receive_what_their_subscriptions_select_of_their_consents(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, member, loan = new_id("cooperative"), new_id("member"), new_id("loan")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = Partner(api, await register(api, "Bank NTT", "bank"))
    buyer = Partner(api, await register(api, "Kopi Flores Trading", "buyer"))
    await grant(api, coop, bank.partner_id, ["savings", "loans"])
    await grant(api, coop, buyer.partner_id, ["produce", "stock"])

    # The bank: loans pushed, savings pulled. The buyer: produce pushed, selected by a
    # filter; its types name sales too, which no consent gives it: never delivered.
    bank_push = await bank.subscribe(protocol="HTTP", sink=f"{HOST}/bank", types=[LOANS])
    bank_pull = await bank.subscribe(protocol="GOTONG-PULL",
                                     filters=[{"prefix": {"type": "gotong.partner.savings."}}])
    buyer_push = await buyer.subscribe(
        protocol="HTTP", sink=f"{HOST}/buyer", types=[PRODUCE, STOCK, SALES],
        filters=[{"not": {"suffix": {"type": ".StockMovement.v1"}}},
                 {"any": [{"exact": {"cooperativeid": coop}},
                          {"exact": {"cooperativeid": "cooperative-none"}}]}],
        protocolsettings={"headers": {"X-Bank-Route": "gotong"}})
    assert bank_push["secret"].startswith("whsec_")
    assert bank_pull["secret"] is None
    assert bank_pull["sink"] == (f"{api.settings.public_base_url}/partner/feed"
                                 f"?subscription={bank_pull['id']}")
    assert buyer_push["protocolsettings"] == {"method": "POST",
                                              "headers": {"x-bank-route": "gotong"}}
    receivers = {"bank": Receiver(secret=bank_push["secret"]),
                 "buyer": Receiver(secret=buyer_push["secret"])}
    dispatch = receivers_dispatch(api, receivers)

    await gateway.send(deposit(coop, member), disbursed(coop, member, loan),
                       repaid(coop, member, loan), produce(coop, member), goods(coop),
                       sale(coop, member))
    assert await dispatch.run_once() == 3

    assert kinds(receivers["bank"].received) == [("loans", "disbursed"), ("loans", "repayment")]
    assert kinds(receivers["buyer"].received) == [("produce", "received")]
    assert kinds(await bank.pull()) == [("savings", "deposit")]  # its pull subscription
    assert await bank.pull(subscription=bank_push["id"]) == sorted(
        receivers["bank"].received, key=lambda e: e["position"])  # pushed == pulled
    # No pull subscription: the whole consented feed, as before subscriptions.
    assert kinds(await buyer.pull()) == [("produce", "received"), ("stock", "received")]
    listed = (await api.get("/partner/subscriptions", bank.token)).json()
    assert [s["id"] for s in listed] == [bank_push["id"], bank_pull["id"]]
    # Past the bank's whole feed (3 events), the deposit it does not select included.
    assert listed[0]["delivery"]["delivered_position"] == 3
    foreign = await api.get(f"/partner/subscriptions/{bank_push['id']}", buyer.token)
    assert (foreign.status_code, foreign.json()["code"]) == (404, "subscription-not-found")

    # Updated: the bank's push now selects savings only, from where it stood.
    updated = await bank.put(bank_push["id"], protocol="HTTP", sink=f"{HOST}/bank",
                             filters=[{"exact": {"type": SAVINGS}}])
    assert updated.status_code == 200, updated.text
    assert (updated.json()["types"], updated.json()["version"]) == ([], 2)
    # The answer is what GET answers: where its delivery stands, not a blank.
    shown = await api.get(f"/partner/subscriptions/{bank_push['id']}", bank.token)
    assert updated.json() == shown.json()
    assert updated.json()["delivery"]["delivered_position"] == 3
    await gateway.send(deposit(coop, member, amount=7_000), repaid(coop, member, loan))
    assert await dispatch.run_once() == 1
    assert kinds(receivers["bank"].received[2:]) == [("savings", "deposit")]
    assert receivers["bank"].received[2]["data"]["amount_idr"] == 7_000

    # Deleted: the pull subscription no longer narrows the feed; the push sends no more.
    assert (await bank.delete(bank_pull["id"])).status_code == 200
    assert kinds(await bank.pull()) == [
        ("loans", "disbursed"), ("loans", "repayment"), ("loans", "repayment"),
        ("savings", "deposit"), ("savings", "deposit")]
    assert (await bank.delete(bank_push["id"])).status_code == 200
    await gateway.send(deposit(coop, member, amount=9_000))
    assert await dispatch.run_once() == 0
    assert len(receivers["bank"].received) == 3
    assert await api.rows("SELECT 1 FROM webhook_endpoints WHERE partner_id = $1",
                          bank.partner_id) == []
    gone = await api.get(f"/partner/subscriptions/{bank_push['id']}", bank.token)
    assert gone.status_code == 404
    again = await bank.delete(bank_push["id"])
    assert (again.status_code, again.json()["code"]) == (404, "subscription-not-found")
    assert (await api.get("/partner/subscriptions", bank.token)).json() == []
    assert receivers["bank"].forged == receivers["buyer"].forged == 0


async def test_the_webhook_is_the_default_http_subscription(gateway: Gateway) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = Partner(api, await register(api, "Bank Flores", "bank"))
    await grant(api, coop, bank.partner_id, ["savings"])
    set_ = await api.post("/partner/webhook", {"url": f"{HOST}/bank"}, bank.token)
    assert set_.status_code == 201, set_.text
    receiver = Receiver(secret=set_.json()["secret"])
    dispatch = receivers_dispatch(api, {"bank": receiver})

    (default,) = (await api.get("/partner/subscriptions", bank.token)).json()
    assert (default["default_webhook"], default["protocol"], default["sink"],
            default["types"], default["filters"]) == (True, "HTTP", f"{HOST}/bank", [], [])
    assert default["id"] == "subscription-" + bank.partner_id.removeprefix("partner-")

    # Narrowed through the Subscriptions API...
    narrowed = await bank.put(default["id"], protocol="HTTP", sink=f"{HOST}/bank",
                              filters=[{"not": {"exact": {"subject": "nobody"}}}],
                              types=[SAVINGS])
    assert narrowed.status_code == 200, narrowed.text
    # ... and the webhook set again at a new URL keeps the types and filters.
    moved = await api.post("/partner/webhook", {"url": f"{HOST}/bank2"}, bank.token)
    assert moved.status_code == 201
    (after,) = (await api.get("/partner/subscriptions", bank.token)).json()
    assert (after["sink"], after["types"], after["filters"]) == (
        f"{HOST}/bank2", [SAVINGS], [{"not": {"exact": {"subject": "nobody"}}}])
    receiver.secret = moved.json()["secret"]
    dispatch = receivers_dispatch(api, {"bank2": receiver})
    await gateway.send(deposit(coop, member, amount=1_000, account=account))
    assert await dispatch.run_once() == 1
    assert (await api.get("/partner/webhook", bank.token)).json()["delivered_position"] == 1

    # Deleting the default subscription removes the webhook; setting it creates it anew.
    assert (await bank.delete(default["id"])).status_code == 200
    missing = await api.get("/partner/webhook", bank.token)
    assert (missing.status_code, missing.json()["code"]) == (404, "webhook-not-found")
    assert (await api.post("/partner/webhook", {"url": f"{HOST}/bank"},
                           bank.token)).status_code == 201
    (fresh,) = (await api.get("/partner/subscriptions", bank.token)).json()
    # created, narrowed, moved, deleted, created again: one stream
    assert (fresh["id"], fresh["types"], fresh["version"]) == (default["id"], [], 5)


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"protocol": "HTTP", "sink": "https://x.example", "types": ["gotong.partner.nope.v1"]},
     422, "unknown-event-type"),
    ({"protocol": "HTTP", "sink": "https://x.example", "filters": [{"sql": "type = 'x'"}]},
     422, "unsupported-filter-dialect"),
    ({"protocol": "HTTP", "sink": "https://x.example", "filters": [{"regex": {"type": "x"}}]},
     422, "unsupported-filter-dialect"),
    ({"protocol": "GOTONG-PULL", "filters": [{"all": []}]}, 422, "invalid-filter"),
    ({"protocol": "GOTONG-PULL", "filters": [{"exact": {"type": "a"}, "not": {}}]},
     422, "invalid-filter"),
    ({"protocol": "GOTONG-PULL", "filters": ["type"]}, 422, "invalid-filter"),
    ({"protocol": "HTTP", "sink": "http://bank.example/hook"}, 422, "invalid-webhook-url"),
    ({"protocol": "HTTP"}, 422, "invalid-webhook-url"),
    ({"protocol": "KAFKA", "sink": "kafka://broker:9092"}, 422, "sink-not-allowed"),
    ({"protocol": "KAFKA", "sink": "gotong.payments.events"}, 422, "sink-not-allowed"),
    ({"protocol": "KAFKA", "protocolsettings": {"topicName": "x"}}, 422,
     "invalid-protocol-settings"),
    ({"protocol": "MQTT", "sink": "mqtt://broker"}, 422, "unsupported-protocol"),
    ({"protocol": "http", "sink": "https://x.example"}, 422, "unsupported-protocol"),
    ({"protocol": "GOTONG-PULL", "sink": "https://x.example"}, 422, "sink-not-allowed"),
    ({"protocol": "GOTONG-PULL", "config": {"interval": 5}}, 422, "unknown-config-key"),
    ({"protocol": "GOTONG-PULL", "source": "/elsewhere"}, 422, "unknown-event-source"),
    ({"protocol": "HTTP", "sink": "https://x.example",
      "protocolsettings": {"headers": {"Authorization": "Bearer x"}}},
     422, "invalid-protocol-settings"),
    ({"protocol": "HTTP", "sink": "https://x.example", "protocolsettings": {"method": "GET"}},
     422, "invalid-protocol-settings"),
    ({"protocol": "GOTONG-PULL", "types": [SAVINGS] * 51}, 422, None),
    ({"protocol": "GOTONG-PULL", "filters": [{"exact": {"type": "x"}}] * 21}, 422, None),
    ({"protocol": "GOTONG-PULL", "sink_credential": {}}, 422, None),
])
async def test_a_bad_subscription_is_refused_and_writes_nothing(
    api: Api, body: dict[str, Any], status: int, code: str | None,
) -> None:
    partner = Partner(api, await register(api, "Bank Sumba", "bank"))
    answer = await api.post("/partner/subscriptions", body, partner.token)

    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    if code is not None:
        assert answer.json()["code"] == code
    assert await api.rows("SELECT 1 FROM subscriptions") == []
    assert await api.rows("SELECT 1 FROM webhook_endpoints") == []
    assert await api.rows("SELECT 1 FROM events WHERE stream_id LIKE 'subscription-%'") == []


async def test_refused_changes_leave_a_subscription_as_it_was(api: Api) -> None:
    bank = Partner(api, await register(api, "Bank Alor", "bank"))
    other = Partner(api, await register(api, "Bank Rote", "bank"))
    pull = await bank.subscribe(protocol="GOTONG-PULL", types=[SAVINGS])

    to_http = await bank.put(pull["id"], protocol="HTTP", sink="https://x.example")
    bad_filter = await bank.put(pull["id"], protocol="GOTONG-PULL", filters=[{"any": []}])
    foreign = await other.put(pull["id"], protocol="GOTONG-PULL")
    foreign_delete = await other.delete(pull["id"])
    mismatch = await bank.put(pull["id"], id="subscription-other", protocol="GOTONG-PULL")
    stranger = await api.post("/partner/subscriptions", {"protocol": "GOTONG-PULL"},
                              api.token("partner", subject=new_id("partner")))
    staff = await api.post("/partner/subscriptions", {"protocol": "GOTONG-PULL"},
                           api.token("coop_admin", cooperative_id=new_id("cooperative")))

    assert [(a.status_code, a.json()["code"]) for a in (
        to_http, bad_filter, foreign, foreign_delete, mismatch, stranger)] == [
        (409, "subscription-protocol-change"), (422, "invalid-filter"),
        (404, "subscription-not-found"), (404, "subscription-not-found"),
        (422, "subscription-id-mismatch"), (404, "partner-not-found")]
    assert staff.status_code == 403
    (kept,) = (await api.get("/partner/subscriptions", bank.token)).json()
    assert (kept["version"], kept["types"], kept["protocol"]) == (1, [SAVINGS], "GOTONG-PULL")
    assert len(await api.rows("SELECT 1 FROM subscriptions")) == 1

    # Bounded per partner: the 21st is refused, and nothing is written for it.
    for _ in range(19):
        await bank.subscribe(protocol="GOTONG-PULL")
    over = await api.post("/partner/subscriptions", {"protocol": "GOTONG-PULL"}, bank.token)
    assert (over.status_code, over.json()["code"]) == (409, "too-many-subscriptions")
    assert len(await api.rows("SELECT 1 FROM subscriptions")) == 20
