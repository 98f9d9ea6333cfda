"""End to end: a shop sale is one trace in a real Jaeger, from the HTTP call to the saga's end.

Inventory and payments run as the processes ``make run`` and the Deployments run
(``python -m <service> api|relay|consumer``), each named by ``OTEL_SERVICE_NAME`` and
exporting to Jaeger through ``OTEL_EXPORTER_OTLP_ENDPOINT``, as the manifests configure
them; the members API and its relay run in this process (they only register the
cooperative). A clerk's sale is sent with a ``traceparent`` of this test; the saga runs
(inventory records the sale and issues its stock, payments records the cash payment,
inventory completes the sale), and Jaeger is asked for that trace id. It must hold one
connected trace: the API's server span with its queries, the relay's publish, the
payments consumer's consume with its queries, payments' publish, and inventory's consume
of the payment with its queries, each span under the one that caused it.

The processes run on the system clock, as ``make run``'s do: the sale is dated by it, and
nothing the test asserts depends on that date (a cash sale to a non-member).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import itertools
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from e2e_support import eventually, members_running
from jaeger_support import Jaeger, Span, free_port, log_tail, stop

from gotong_devstack.traces import main as traces_main
from gotong_platform.auth import Principal, Role, TokenIssuer
from members.main import create_app as create_members_app
from members.settings import MembersSettings

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

JWT_KEY = "t" * 48
ISSUER = TokenIssuer(JWT_KEY.encode())
HEALTH_TIMEOUT = 90.0  # two cores shared by six Python processes starting at once
SALE_ROUTE = "/cooperatives/{cooperative_id}/sales"
# Beside the chain: the stock issued with the sale, and the completion's way back out to
# payments (which has nothing to do with it, but it reads the topic in the same trace).
ALSO = {("inventory-relay", "producer", "publish StockIssued"),
        ("payments-consumer", "consumer", "consume StockIssued"),
        ("inventory-relay", "producer", "publish SaleCompleted"),
        ("payments-consumer", "consumer", "consume SaleCompleted")}


@dataclass
class Processes:
    """The service processes of a test, their logs, and a client of each API."""

    logs: Path
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    apis: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    def start(self, service: str, role: str, env: dict[str, str], *args: str) -> None:
        name = f"{service}-{role}"
        with (self.logs / f"{name}.log").open("wb") as output:
            self.children[name] = subprocess.Popen(  # noqa: S603 - the services' own CLI
                [sys.executable, "-m", service, role, *args],
                env={**env, "OTEL_SERVICE_NAME": name}, stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)

    def check_alive(self) -> None:
        for name, child in self.children.items():
            if child.poll() is not None:
                pytest.fail(f"{name} exited with {child.returncode}:\n"
                            f"{log_tail(self.logs / f'{name}.log')}")

    def stop_all(self) -> None:
        for child in reversed(list(self.children.values())):
            stop(child)


def service_env(service: str, jaeger: Jaeger, settings: dict[str, str]) -> dict[str, str]:
    """The process environment: this one's without any OTEL_ or service setting of the
    developer's shell, the service's settings, and the export to ``jaeger``."""
    prefix = f"GOTONG_{service.upper()}_"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OTEL_", prefix))}
    env.update({f"{prefix}{k.upper()}": v for k, v in settings.items()})
    env.update({
        "OTEL_EXPORTER_OTLP_ENDPOINT": jaeger.otlp_endpoint,
        # The batch processor's default wait is 5 s; the test polls Jaeger anyway.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        "PYTHONUNBUFFERED": "1",
    })
    return env


async def healthy(processes: Processes, client: httpx.AsyncClient) -> None:
    """``client``'s API answers /health (every process still alive meanwhile)."""
    async def answers() -> bool:
        processes.check_alive()
        try:
            return (await client.get("/health")).status_code == 200
        except httpx.TransportError:
            return False
    await eventually(answers, timeout_s=HEALTH_TIMEOUT)


@contextmanager
def stopped_at_exit(processes: Processes) -> Iterator[Processes]:
    try:
        yield processes
    finally:
        processes.stop_all()


@dataclass
class Shop:
    members: httpx.AsyncClient
    inventory: httpx.AsyncClient
    payments: httpx.AsyncClient
    processes: Processes


@pytest_asyncio.fixture
async def shop(jaeger: Jaeger, database_factory: Any, topic_factory: Any,
               kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Shop]:
    topics = {name: await topic_factory(f"tr_{name}") for name in
              ("members", "inventory", "payments")}
    run = uuid.uuid4().hex[:8]  # consumer groups of this test alone, on a shared broker
    members = MembersSettings(
        database_url=await database_factory("tr_members"), kafka_bootstrap=kafka_bootstrap,
        topic=topics["members"], nik_key=base64.b64encode(os.urandom(32)).decode(),
        jwt_key=JWT_KEY)
    consumed = {"inventory": (topics["members"], topics["payments"]),
                "payments": (topics["members"], topics["inventory"])}
    envs = {service: service_env(service, jaeger, {
        "database_url": await database_factory(f"tr_{service}"),
        "kafka_bootstrap": kafka_bootstrap, "topic": topics[service],
        "consumed_topics": json.dumps(consumed[service]),
        "consumer_group": f"test.{service}.reactions.{run}", "jwt_key": JWT_KEY,
        "consumer_metrics_port": str(free_port()), "relay_metrics_port": str(free_port()),
    }) for service in ("inventory", "payments")}
    processes = Processes(tmp_path)
    with stopped_at_exit(processes):
        ports = {service: free_port() for service in envs}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports['inventory']}",
                                     timeout=30.0) as inventory, \
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports['payments']}",
                                  timeout=30.0) as payments, \
                members_running(create_members_app(members), members,
                                relay_client_id="tr-relay") as members_api:
            # The APIs migrate their databases; the relays and consumers start after.
            for service, env in envs.items():
                processes.start(service, "api", env, "--port", str(ports[service]))
            for client in (inventory, payments):
                await healthy(processes, client)
            for service, env in envs.items():
                processes.start(service, "relay", env)
                processes.start(service, "consumer", env)
            yield Shop(members_api, inventory, payments, processes)
            processes.check_alive()


def auth(role: Role, cooperative_id: str | None = None) -> dict[str, str]:
    principal = Principal(subject=f"tr-{role.value}", role=role, cooperative_id=cooperative_id)
    return {"Authorization": f"Bearer {ISSUER.issue(principal)}"}


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any],
               headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post(path, json=body,
                                 headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


async def a_stocked_shop(s: Shop) -> tuple[str, str, str]:
    """A cooperative known to inventory and payments, a shop with 10 bags of sugar in it:
    (cooperative, shop, product)."""
    office = auth(Role.FEDERATION_ADMIN)
    cid = (await post(s.members, "/cooperatives", {
        "name": "Koperasi Konsumen Sumba Jaya", "coop_type": "consumer", "province_code": "53",
        "legal_registration_number": f"AHU-{uuid.uuid4().hex[:12]}", "regency_code": "5311",
        "time_zone": "WITA", "registered_on": "2019-03-01"}, office))["cooperative_id"]
    await post(s.members, f"/cooperatives/{cid}/join-federation",
               {"effective_date": "2019-04-01"}, office)
    admin = auth(Role.COOP_ADMIN, cid)

    async def known_to_both() -> bool:
        s.processes.check_alive()
        policy = await s.payments.get(f"/cooperatives/{cid}/savings-policy", headers=admin)
        shops = await s.inventory.get(f"/cooperatives/{cid}/warehouses", headers=admin)
        return policy.status_code == shops.status_code == 200
    await eventually(known_to_both, timeout_s=60)
    shop = (await post(s.inventory, f"/cooperatives/{cid}/warehouses",
                       {"name": "Toko Koperasi", "kind": "shop"}, admin))["warehouse_id"]
    sugar = (await post(s.inventory, f"/cooperatives/{cid}/products", {
        "sku": "GULA-1KG", "name": "Gula pasir 1 kg", "category": "staple_goods",
        "base_unit": "pcs"}, admin))["product_id"]
    await post(s.inventory, f"/cooperatives/{cid}/products/{sugar}/prices",
               {"price_list": "non_member", "price_idr": 18_000, "per_qty": 1}, admin)
    await post(s.inventory, f"/cooperatives/{cid}/warehouses/{shop}/goods-receipts",
               {"product_id": sugar, "qty": 10, "total_cost_idr": 150_000}, admin)
    return cid, shop, sugar


def descends(span: Span, ancestor: Span, by_id: dict[str, Span]) -> bool:
    """Whether ``ancestor`` is ``span``'s parent, or its parent's, and so on."""
    parent = by_id.get(span.parent_id)
    while parent is not None:
        if parent.span_id == ancestor.span_id:
            return True
        parent = by_id.get(parent.parent_id)
    return False


@dataclass(frozen=True)
class Saga:
    """The trace's parts that the test asserts, found among its spans (None: not yet)."""

    request: Span | None
    published_sale: Span | None
    payment_taken: Span | None
    published_payment: Span | None
    sale_completed: Span | None
    spans: list[Span]

    @classmethod
    def find(cls, spans: list[Span]) -> Saga:
        def one(service: str, kind: str, name: str) -> Span | None:
            return next((x for x in spans if x.service == service and x.kind == kind
                         and x.name == name), None)
        return cls(
            request=next((x for x in spans if x.service == "inventory-api"
                          and x.kind == "server" and x.attributes.get("http.route")
                          == SALE_ROUTE), None),
            published_sale=one("inventory-relay", "producer", "publish SaleRecorded"),
            payment_taken=one("payments-consumer", "consumer", "consume SaleRecorded"),
            published_payment=one("payments-relay", "producer", "publish SalePaymentRecorded"),
            sale_completed=one("inventory-consumer", "consumer",
                               "consume SalePaymentRecorded"),
            spans=spans)

    def chain(self) -> list[Span]:
        """The request and each hop after it, in the order they caused one another."""
        parts = [self.request, self.published_sale, self.payment_taken,
                 self.published_payment, self.sale_completed]
        return [p for p in parts if p is not None]

    def queries_under(self, span: Span) -> list[Span]:
        by_id = {x.span_id: x for x in self.spans}
        return [x for x in self.spans if x.is_query and x.service == span.service
                and descends(x, span, by_id)]

    def complete(self) -> bool:
        """Everything the test asserts has arrived (each process exports on its own
        schedule), every span's parent too."""
        ids = {x.span_id for x in self.spans}
        seen = {(x.service, x.kind, x.name) for x in self.spans}
        return (len(self.chain()) == 5 and ALSO.issubset(seen)
                and all(x.parent_id in ids for x in self.spans if x is not self.request)
                and all(self.queries_under(p) for p in (self.request, self.payment_taken,
                                                        self.sale_completed) if p))

    def describe(self) -> str:
        return "\n".join(sorted(str(x) for x in self.spans)) or "(no span)"


async def test_a_shop_sale_is_one_trace_from_the_http_call_through_the_saga(
        shop: Shop, jaeger: Jaeger) -> None:
    cid, warehouse, sugar = await a_stocked_shop(shop)
    # The till's own span: the trace id and parent the API must continue (sampled).
    trace_id, till_span = secrets.token_hex(16), secrets.token_hex(8)
    sale = await post(shop.inventory, f"/cooperatives/{cid}/sales", {
        "warehouse_id": warehouse, "buyer_type": "non_member",
        "lines": [{"product_id": sugar, "qty": 2}],
        "payments": [{"method": "cash", "amount_idr": 36_000}]},
        {**auth(Role.COOP_CLERK, cid), "traceparent": f"00-{trace_id}-{till_span}-01"})

    async def completed() -> bool:
        shop.processes.check_alive()
        answer = await shop.inventory.get(f"/cooperatives/{cid}/sales/{sale['sale_id']}",
                                          headers=auth(Role.COOP_ADMIN, cid))
        return bool(answer.json()["status"] == "completed")
    await eventually(completed, timeout_s=60)

    saga = Saga.find([])
    deadline = time.monotonic() + 30.0
    while not saga.complete() and time.monotonic() < deadline:
        saga = Saga.find(await jaeger.trace(trace_id))
        if not saga.complete():
            await asyncio.sleep(0.5)
    assert saga.complete(), f"trace {trace_id} in Jaeger is missing parts:\n{saga.describe()}"
    request, published_sale, payment_taken, _, sale_completed = chain = saga.chain()

    # The API continued the till's trace: its server span is the till span's child, and
    # every other span of the trace descends from it (one trace, nothing detached).
    assert request.parent_id == till_span
    assert request.attributes.get("http.request.method",
                                  request.attributes.get("http.method")) == "POST"
    by_id = {x.span_id: x for x in saga.spans}
    detached = [str(x) for x in saga.spans
                if x is not request and not descends(x, request, by_id)]
    assert not detached, f"spans outside the request's tree: {detached}"
    # Each hop is a child of the one before: request -> publish -> consume -> publish ->
    # consume, across four processes and two Kafka topics.
    for cause, effect in itertools.pairwise(chain):
        assert descends(effect, cause, by_id), f"{effect} is not under {cause}"
    assert published_sale.attributes["messaging.destination.name"].startswith(
        "test.tr_inventory.")
    assert payment_taken.attributes["messaging.message.id"] == (
        published_sale.attributes["messaging.message.id"])
    # The database work of the API and of both consumers, under the span that did it.
    for span in (request, payment_taken, sale_completed):
        queries = saga.queries_under(span)
        assert queries, f"no database span under {span}"
        assert all(q.attributes.get("db.system", q.attributes.get("db.system.name"))
                   == "postgresql" for q in queries)
    # The stock issued and the sale's completion went out in the same trace, the
    # completion under inventory's consume of the payment.
    completion = next(x for x in saga.spans if x.name == "publish SaleCompleted")
    assert completion.parent_id == sale_completed.span_id


    # What `make trace` prints of it: the request at the top, each hop indented under the
    # one that caused it, and the trace among the latest that began in an API.
    printed = await asyncio.to_thread(_printed, [trace_id, "--url", jaeger.query_url])
    tree = [line[21:] for line in printed.splitlines()[2:]]  # after the times
    assert tree[0] == f"inventory-api server {request.name}"
    depth = {line.strip(): len(line) - len(line.lstrip()) for line in tree}
    hops = ["inventory-relay producer publish SaleRecorded",
            "payments-consumer consumer consume SaleRecorded",
            "payments-relay producer publish SalePaymentRecorded",
            "inventory-consumer consumer consume SalePaymentRecorded"]
    assert [depth[hop] for hop in hops] == [2, 4, 6, 8]
    assert not any(line.endswith(("http receive", "http send")) for line in tree)
    latest = await asyncio.to_thread(_printed, ["--url", jaeger.query_url])
    assert any(trace_id in line and request.name in line for line in latest.splitlines())


def _printed(argv: list[str]) -> str:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert traces_main(argv) == 0
    return output.getvalue()
