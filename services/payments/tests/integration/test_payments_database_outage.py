"""While its database cannot be reached, the API answers 503 with ``Retry-After`` (never
500), ``/ready`` turns false, nothing is half-written, and all of it comes back by itself
when the database does. The line to the real PostgreSQL is cut with a TCP proxy, so the
server stays up for the other tests sharing it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import pytest_asyncio
from payments_harness import JWT_KEY, Api

from gotong_platform.auth import TokenIssuer
from gotong_platform.http import REPLAYED_HEADER
from gotong_testing.api import serving
from gotong_testing.netfault import TcpProxy
from payments.main import build_services, create_app
from payments.settings import PaymentsSettings

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def line() -> AsyncIterator[list[TcpProxy]]:
    proxies: list[TcpProxy] = []
    yield proxies
    for proxy in proxies:
        await proxy.close()


async def test_a_database_outage_answers_503_and_the_service_comes_back_by_itself(
    database_factory, clock, line: list[TcpProxy],  # type: ignore[no-untyped-def]
) -> None:
    dsn = urlsplit(await database_factory("payments"))
    proxy = TcpProxy(dsn.hostname or "127.0.0.1", dsn.port or 5432)
    await proxy.start()
    line.append(proxy)
    proxied = urlunsplit(dsn._replace(netloc=f"{dsn.username}@127.0.0.1:{proxy.port}"))
    settings = PaymentsSettings(database_url=proxied, jwt_key=JWT_KEY)
    app = create_app(settings, clock=clock)
    async with serving(app, "payments") as client:
        api = Api(client, TokenIssuer(JWT_KEY.encode()), settings, app.state.payments.pool,
                  build_services(settings, clock).reactions)
        staff = await api.cooperative()
        member = await api.admit(staff.cooperative_id)
        deposits = (f"/cooperatives/{staff.cooperative_id}/members/{member}/savings/"
                    "sukarela/deposits")
        body = {"amount_idr": 25_000, "channel": "cash"}
        assert (await client.get("/ready")).status_code == 200

        await proxy.cut()
        during = await api.post(deposits, body, staff.clerk, key="deposit-during-outage")
        assert during.status_code == 503, during.text
        assert during.headers["content-type"] == "application/problem+json"
        assert int(during.headers["Retry-After"]) >= 1
        assert during.json()["code"] == "database-unavailable"
        read = await api.get(f"/cooperatives/{staff.cooperative_id}/members/{member}/savings",
                             staff.clerk)
        assert read.status_code == 503
        assert (await client.get("/ready")).status_code == 503
        assert (await client.get("/health")).status_code == 200  # alive: no restart needed

        await proxy.restore()
        assert (await client.get("/ready")).status_code == 200
        again = await api.post(deposits, body, staff.clerk, key="deposit-during-outage")
        assert again.status_code == 201, again.text
        assert REPLAYED_HEADER not in again.headers  # the outage wrote nothing
        savings = (await api.get(
            f"/cooperatives/{staff.cooperative_id}/members/{member}/savings",
            staff.clerk)).json()
        balances = {a["savings_type"]: a["balance_idr"] for a in savings["accounts"]}
        assert balances["sukarela"] == 25_000  # once
