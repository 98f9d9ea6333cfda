"""Signed webhooks on real Kafka and PostgreSQL, received by the ``standardwebhooks``
library: every delivery verifies, in feed order, at least once with a stable id, retried
with backoff, disabled after three days of failures and re-enabled by setting it again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from partners_support import Api, Gateway, consumed, deposit, grant, register, registered
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gotong_platform.ids import new_id
from partners.adapters.webhooks import PostgresWebhookStore
from partners.application.webhooks import WebhookDispatch
from partners.main import build_dispatch

pytestmark = pytest.mark.integration

SINK = "https://receiver.example/gotong"


@dataclass
class Receiver:
    """A partner's endpoint: verifies each request with the Standard Webhooks library."""

    secret: str = ""
    failing: int = 0  # answer 500 to this many requests from now on
    received: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    forged: int = 0  # requests whose signature did not verify

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.ids.append(request.headers["webhook-id"])
        if self.failing:
            self.failing -= 1
            return Response(status_code=500)
        try:
            event = Webhook(self.secret).verify(body, dict(request.headers))
        except WebhookVerificationError:
            self.forged += 1
            return Response(status_code=401)
        assert request.headers["content-type"] == "application/cloudevents+json"
        self.received.append(event)
        return Response(status_code=204)


def dispatcher(api: Api, receiver: Receiver) -> WebhookDispatch:
    app = Starlette(routes=[Route("/gotong", receiver.hook, methods=["POST"])])
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    return build_dispatch(api.settings, PostgresWebhookStore(api.pool), client, api.clock)


async def set_webhook(api: Api, partner: str, **body: Any) -> httpx.Response:
    return await api.post("/partner/webhook", {"url": SINK, **body},
                          api.token("partner", subject=partner))


async def status(api: Api, partner: str) -> dict[str, Any]:
    answer = await api.get("/partner/webhook", api.token("partner", subject=partner))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def test_webhooks_are_signed_ordered_retried_disabled_and_re_enabled(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank NTT", "bank")
    await grant(api, coop, bank, ["savings"])
    receiver = Receiver()
    dispatch = dispatcher(api, receiver)

    answer = await set_webhook(api, bank)
    assert answer.status_code == 201, answer.text
    receiver.secret = answer.json()["secret"]
    assert receiver.secret.startswith("whsec_")
    await gateway.send(*(deposit(coop, member, amount=1_000 * n, account=account)
                         for n in (1, 2, 3)))
    assert await dispatch.run_once() == 3
    feed = (await gateway.feed(bank))["items"]
    assert [e["data"]["amount_idr"] for e in receiver.received] == [1_000, 2_000, 3_000]
    assert receiver.received == feed  # the same JSON, pushed or pulled
    assert receiver.ids == [item["id"] for item in feed]  # webhook-id: the event's id

    # Refused twice: retried after 1 s, then 2 s, with the same id; nothing else overtakes.
    receiver.failing = 2
    await gateway.send(deposit(coop, member, amount=4_000, account=account),
                       deposit(coop, member, amount=5_000, account=account))
    assert await dispatch.run_once() == 0
    failing = await status(api, bank)
    assert (failing["failures"], failing["last_error"], failing["delivered_position"]) == (
        1, "HTTP 500", 3)
    assert await dispatch.run_once() == 0  # not due yet: the clock stands still
    api.clock.advance(timedelta(seconds=1))
    assert await dispatch.run_once() == 0
    assert (await status(api, bank))["failures"] == 2
    api.clock.advance(timedelta(seconds=2))
    assert await dispatch.run_once() == 2
    assert [e["data"]["amount_idr"] for e in receiver.received][-2:] == [4_000, 5_000]
    assert receiver.ids[3] == receiver.ids[4] == receiver.ids[5]  # one event, three tries
    assert receiver.forged == 0
    delivered = await status(api, bank)
    assert (delivered["failures"], delivered["enabled"], delivered["delivered_position"]) == (
        0, True, 5)
    assert [a["status"] for a in delivered["attempts"]][:4] == [204, 204, 500, 500]

    # Failing for three days disables the endpoint; setting it again re-enables it.
    receiver.failing = 10_000
    await gateway.send(deposit(coop, member, amount=6_000, account=account))
    started = api.clock.now()
    while (await status(api, bank))["enabled"]:
        api.clock.advance(timedelta(hours=1))
        await dispatch.run_once()
    assert api.clock.now() - started >= timedelta(days=3)
    disabled = await status(api, bank)
    assert disabled["enabled"] is False
    assert await dispatch.run_once() == 0
    receiver.failing = 0
    again = await set_webhook(api, bank)
    receiver.secret = again.json()["secret"]  # a new secret with every setting
    assert await dispatch.run_once() == 1
    assert receiver.received[-1]["data"]["amount_idr"] == 6_000

    # A replay from a position sends again what followed it.
    replay = await set_webhook(api, bank, from_position=4)
    receiver.secret = replay.json()["secret"]
    assert await dispatch.run_once() == 2
    assert [e["data"]["amount_idr"] for e in receiver.received][-2:] == [5_000, 6_000]


async def test_a_forged_or_stale_secret_does_not_verify(gateway: Gateway) -> None:
    api = gateway.api
    coop, member = new_id("cooperative"), new_id("member")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank Flores", "bank")
    await grant(api, coop, bank, ["savings"])
    first = (await set_webhook(api, bank)).json()["secret"]
    second = (await set_webhook(api, bank)).json()["secret"]
    receiver = Receiver(secret=first)  # the replaced secret
    await gateway.send(deposit(coop, member))

    assert await dispatcher(api, receiver).run_once() == 0
    assert (receiver.forged, receiver.received) == (1, [])
    assert (await status(api, bank))["last_error"] == "HTTP 401"
    receiver.secret = second
    api.clock.advance(timedelta(seconds=1))
    assert await dispatcher(api, receiver).run_once() == 1


async def test_bad_sinks_and_callers_are_refused_and_change_nothing(api: Api) -> None:
    bank = await register(api, "Bank Sumba", "bank")
    plain = await set_webhook(api, bank, url="http://bank.example/hook")
    stranger = await set_webhook(api, "partner-00000000-0000-7000-8000-000000000000")
    staff = await api.post("/partner/webhook", {"url": SINK},
                           api.token("coop_admin", cooperative_id=new_id("cooperative")))

    assert (plain.status_code, plain.json()["code"]) == (422, "invalid-webhook-url")
    assert (stranger.status_code, stranger.json()["code"]) == (404, "partner-not-found")
    assert staff.status_code == 403
    assert await api.rows("SELECT 1 FROM webhook_endpoints") == []
    missing = await api.get("/partner/webhook", api.token("partner", subject=bank))
    assert (missing.status_code, missing.json()["code"]) == (404, "webhook-not-found")


@dataclass
class CountingReceiver(Receiver):
    """A receiver that also notes how many signatures each request carried."""

    signatures: list[int] = field(default_factory=list)

    async def hook(self, request: Request) -> Response:
        self.signatures.append(len(request.headers["webhook-signature"].split(" ")))
        return await super().hook(request)


async def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(gateway: Gateway) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank Alor", "bank")
    await grant(api, coop, bank, ["savings"])
    old = (await set_webhook(api, bank)).json()["secret"]
    receiver = CountingReceiver(secret=old)
    signatures = receiver.signatures
    dispatch = dispatcher(api, receiver)

    rotated = await api.post("/partner/webhook/secret", {}, api.token("partner", subject=bank))
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_")
    assert new != old
    assert datetime.fromisoformat(rotated.json()["previous_valid_until"]) == (
        api.clock.now() + timedelta(days=1))

    # The receiver still on the old secret verifies, and so does one already switched.
    await gateway.send(deposit(coop, member, amount=1_000, account=account))
    assert await dispatch.run_once() == 1
    receiver.secret = new
    await gateway.send(deposit(coop, member, amount=2_000, account=account))
    assert await dispatch.run_once() == 1
    assert (signatures, receiver.forged) == ([2, 2], 0)

    # A day later the old secret signs no more: a receiver still on it refuses.
    api.clock.advance(timedelta(days=1))
    receiver.secret = old
    await gateway.send(deposit(coop, member, amount=3_000, account=account))
    assert await dispatch.run_once() == 0
    assert (signatures[-1], receiver.forged) == (1, 1)
    receiver.secret = new
    api.clock.advance(timedelta(seconds=1))
    assert await dispatch.run_once() == 1
    assert [e["data"]["amount_idr"] for e in receiver.received] == [1_000, 2_000, 3_000]

    # Setting the endpoint again replaces the secret at once: no overlap.
    again = (await set_webhook(api, bank)).json()["secret"]
    rows = await api.rows("SELECT previous_secret FROM webhook_endpoints WHERE partner_id = $1",
                          bank)
    assert again not in (old, new)
    assert [r["previous_secret"] for r in rows] == [None]


async def test_a_rotation_without_an_endpoint_or_by_staff_is_refused(api: Api) -> None:
    bank = await register(api, "Bank Rote", "bank")
    missing = await api.post("/partner/webhook/secret", {}, api.token("partner", subject=bank))
    staff = await api.post("/partner/webhook/secret", {},
                           api.token("coop_admin", cooperative_id=new_id("cooperative")))

    assert (missing.status_code, missing.json()["code"]) == (404, "webhook-not-found")
    assert staff.status_code == 403
    assert await api.rows("SELECT 1 FROM webhook_endpoints") == []
