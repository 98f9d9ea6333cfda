"""The dispatcher's batches on real Kafka and PostgreSQL: a refusal in the middle of a
batch keeps the position at the last event accepted (the ones before it are logged and
passed in the batch's one transaction) and the next pass resends from the refused one, in
order; a pass serves several subscriptions at once, each with one request at a time."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from partners_support import Api, Gateway, consumed, deposit, grant, register, registered
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from test_partners_webhooks import SINK, set_webhook, status

from gotong_platform.ids import new_id
from partners.adapters.webhooks import PostgresWebhookStore
from partners.application.webhooks import WebhookDispatch
from partners.main import build_dispatch

pytestmark = pytest.mark.integration


@dataclass
class Refusing:
    """Accepts ``accept`` requests, then refuses one (500), then accepts again."""

    secret: str = ""
    accept: int = 1_000
    amounts: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.ids.append(request.headers["webhook-id"])
        if self.accept == 0:
            self.accept = 1_000
            return Response(status_code=500)
        self.accept -= 1
        event = Webhook(self.secret).verify(body, dict(request.headers))
        self.amounts.append(event["data"]["amount_idr"])
        return Response(status_code=204)


@dataclass
class Meeting:
    """Two partners' receivers: each answers its first request only once the other one
    has received one (which only a dispatcher serving both at once can do), and counts
    the requests it has in flight."""

    secrets: dict[str, str] = field(default_factory=dict)
    arrived: dict[str, asyncio.Event] = field(default_factory=dict)
    amounts: dict[str, list[int]] = field(default_factory=dict)
    in_flight: dict[str, int] = field(default_factory=dict)
    most_in_flight: dict[str, int] = field(default_factory=dict)

    def app(self, names: tuple[str, str]) -> Starlette:
        for name in names:
            self.arrived[name] = asyncio.Event()
            self.amounts[name] = []
            self.in_flight[name] = self.most_in_flight[name] = 0

        def hook(name: str, other: str) -> Any:
            async def receive(request: Request) -> Response:
                self.in_flight[name] += 1
                self.most_in_flight[name] = max(self.most_in_flight[name],
                                                self.in_flight[name])
                try:
                    self.arrived[name].set()
                    try:  # a dispatcher serving one at a time never gets here
                        await asyncio.wait_for(self.arrived[other].wait(), timeout=5)
                    except TimeoutError:
                        return Response(status_code=503)
                    body = await request.body()
                    event = Webhook(self.secrets[name]).verify(body, dict(request.headers))
                    self.amounts[name].append(event["data"]["amount_idr"])
                    return Response(status_code=204)
                finally:
                    self.in_flight[name] -= 1
            return receive

        first, second = names
        return Starlette(routes=[
            Route(f"/{first}", hook(first, second), methods=["POST"]),
            Route(f"/{second}", hook(second, first), methods=["POST"])])


def dispatcher(api: Api, app: Starlette, batch: int) -> WebhookDispatch:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    built = build_dispatch(api.settings, PostgresWebhookStore(api.pool), client, api.clock)
    return dataclasses.replace(built, batch=batch)


async def test_a_refusal_mid_batch_keeps_what_was_accepted_and_resends_from_it(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank NTT", "bank")
    await grant(api, coop, bank, ["savings"])
    receiver = Refusing()
    dispatch = dispatcher(api, Starlette(routes=[Route("/gotong", receiver.hook,
                                                       methods=["POST"])]), batch=10)
    receiver.secret = (await set_webhook(api, bank)).json()["secret"]
    await gateway.send(*(deposit(coop, member, amount=1_000 * n, account=account)
                         for n in range(1, 6)))

    receiver.accept = 2  # the third request of the batch is refused
    assert await dispatch.run_once() == 2
    failing = await status(api, bank)
    assert (failing["delivered_position"], failing["failures"], failing["last_error"]) == (
        2, 1, "HTTP 500")
    # One batch, logged in the order it was sent; nothing after the refusal was tried.
    assert [(a["position"], a["status"]) for a in failing["attempts"]] == [
        (3, 500), (2, 204), (1, 204)]
    assert receiver.amounts == [1_000, 2_000]
    assert await dispatch.run_once() == 0  # backing off: not due

    api.clock.advance(timedelta(seconds=1))
    assert await dispatch.run_once() == 3
    assert receiver.amounts == [1_000 * n for n in range(1, 6)]  # feed order, no gap
    assert receiver.ids[2] == receiver.ids[3]  # the refused event, sent again first
    delivered = await status(api, bank)
    assert (delivered["delivered_position"], delivered["failures"],
            delivered["last_error"]) == (5, 0, None)


async def test_batches_smaller_than_the_backlog_move_the_position_batch_by_batch(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank NTT", "bank")
    await grant(api, coop, bank, ["savings"])
    receiver = Refusing()
    dispatch = dispatcher(api, Starlette(routes=[Route("/gotong", receiver.hook,
                                                       methods=["POST"])]), batch=2)
    receiver.secret = (await set_webhook(api, bank)).json()["secret"]
    await gateway.send(*(deposit(coop, member, amount=1_000 * n, account=account)
                         for n in range(1, 6)))

    passes = [await dispatch.run_once() for _ in range(4)]
    assert passes == [2, 2, 1, 0]
    assert receiver.amounts == [1_000 * n for n in range(1, 6)]
    assert (await status(api, bank))["delivered_position"] == 5


async def test_a_pass_serves_two_subscriptions_at_once_each_one_request_at_a_time(
    gateway: Gateway,
) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    partners = {name: await register(api, f"Bank {name}", "bank") for name in ("a", "b")}
    meeting = Meeting()
    dispatch = dispatcher(api, meeting.app(("a", "b")), batch=100)
    for name, partner in partners.items():
        await grant(api, coop, partner, ["savings"])
        answer = await set_webhook(api, partner, url=SINK.replace("/gotong", f"/{name}"))
        assert answer.status_code == 201, answer.text
        meeting.secrets[name] = answer.json()["secret"]
    await gateway.send(*(deposit(coop, member, amount=1_000 * n, account=account)
                         for n in range(1, 4)))

    assert await dispatch.run_once() == 6  # one after the other: the first refused after 5 s
    assert meeting.amounts == {"a": [1_000, 2_000, 3_000], "b": [1_000, 2_000, 3_000]}
    assert meeting.most_in_flight == {"a": 1, "b": 1}  # each subscription's order kept
