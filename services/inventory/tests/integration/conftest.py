"""An inventory app on a fresh real PostgreSQL database, driven over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from inventory_api_support import JWT_KEY, Api

from gotong_platform.auth import TokenIssuer
from inventory.main import create_app
from inventory.settings import InventorySettings


@pytest_asyncio.fixture
async def api(database_factory, clock) -> AsyncIterator[Api]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("inventory")
    settings = InventorySettings(database_url=dsn, jwt_key=JWT_KEY)
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://inventory") as client:
            yield Api(client, settings, TokenIssuer(JWT_KEY.encode()), app)
