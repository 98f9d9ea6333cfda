"""The gateway's app on a fresh real PostgreSQL database, driven over ASGI, with the
members directory fed as its consumer feeds it."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator

import pytest_asyncio
from partners_support import JWT_KEY, Api

from gotong_platform.auth import TokenIssuer
from gotong_testing.api import serving
from partners.main import build_consumer, create_app
from partners.settings import PartnersSettings


@pytest_asyncio.fixture
async def api(database_factory, clock) -> AsyncIterator[Api]:  # type: ignore[no-untyped-def]
    settings = PartnersSettings(
        database_url=await database_factory("partners"), jwt_key=JWT_KEY,
        pseudonym_key=base64.b64encode(os.urandom(32)).decode(),
        public_base_url="https://partners.gotong.example")
    app = create_app(settings, clock=clock)
    async with serving(app, "partners") as client:
        yield Api(client, TokenIssuer(JWT_KEY.encode()), settings, app.state.partners_pool,
                  build_consumer(settings, clock), clock)
