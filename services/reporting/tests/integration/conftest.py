"""A reporting app on a fresh real database (its live read-model version ready)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from reporting_harness import JWT_KEY, Reporting

from gotong_platform.calendar import FixedClock
from gotong_platform.db import create_pool
from reporting.adapters.read_model.versions import live_schema
from reporting.main import create_app
from reporting.settings import ReportingSettings


@pytest_asyncio.fixture
async def reporting(database_factory: Any, clock: FixedClock) -> AsyncIterator[Reporting]:
    settings = ReportingSettings(database_url=await database_factory("reporting"),
                                 jwt_key=JWT_KEY)
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        schema = await live_schema(app.state.read_model.pool)
        assert schema is not None
        pool = await create_pool(settings.database_url, max_size=3,
                                 server_settings={"search_path": schema})
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://reporting") as client:
                yield Reporting(client, pool, kept=app.state.read_model.kept)
        finally:
            await pool.close()
