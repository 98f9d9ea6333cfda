"""An inventory app on a fresh real PostgreSQL database, driven over ASGI."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from inventory_api_support import JWT_KEY, Api

from gotong_platform.auth import TokenIssuer
from gotong_testing.api import serving
from inventory.main import create_app
from inventory.settings import InventorySettings

# The in-memory fakes of the ports live with the unit tests, which run on them; the
# port contract runs them here beside the PostgreSQL adapters.
sys.path.append(str(Path(__file__).resolve().parents[1] / "unit"))


@pytest_asyncio.fixture
async def api(database_factory, clock) -> AsyncIterator[Api]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("inventory")
    settings = InventorySettings(database_url=dsn, jwt_key=JWT_KEY)
    app = create_app(settings, clock=clock)
    async with serving(app, "inventory") as client:
        yield Api(client, TokenIssuer(JWT_KEY.encode()), settings, app)
