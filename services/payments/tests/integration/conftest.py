"""A payments app on a fresh real PostgreSQL database, driven over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from payments_harness import JWT_KEY, Api

from gotong_platform.auth import TokenIssuer
from gotong_testing.api import serving
from payments.main import build_services, create_app
from payments.settings import PaymentsSettings


@pytest_asyncio.fixture
async def api(database_factory, clock) -> AsyncIterator[Api]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("payments")
    settings = PaymentsSettings(database_url=dsn, jwt_key=JWT_KEY)
    app = create_app(settings, clock=clock)
    async with serving(app, "payments") as client:
        yield Api(client, TokenIssuer(JWT_KEY.encode()), settings, app.state.payments.pool,
                  build_services(settings, clock).reactions)
