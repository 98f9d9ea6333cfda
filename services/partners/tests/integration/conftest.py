"""The gateway's app on a fresh real PostgreSQL database, driven over ASGI, with the
members directory fed as its consumer feeds it."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from partners_support import JWT_KEY, Api, Gateway

from gotong_platform.auth import TokenIssuer
from gotong_platform.consumer import ConsumerRunner, RunnerConfig
from gotong_platform.kafka import make_consumer, make_producer
from gotong_testing.api import serving
from partners.entrypoints.consumer import GATEWAY_CONSUMER
from partners.main import build_consumer, create_app
from partners.settings import PartnersSettings


@pytest_asyncio.fixture
async def api(database_factory, clock,  # type: ignore[no-untyped-def]
              kafka_bootstrap: str) -> AsyncIterator[Api]:
    settings = PartnersSettings(
        database_url=await database_factory("partners"), jwt_key=JWT_KEY,
        kafka_bootstrap=kafka_bootstrap,
        pseudonym_key=base64.b64encode(os.urandom(32)).decode(),
        public_base_url="https://partners.gotong.example")
    app = create_app(settings, clock=clock)
    async with serving(app, "partners") as client:
        yield Api(client, TokenIssuer(JWT_KEY.encode()), settings, app.state.partners_pool,
                  build_consumer(settings, clock), clock)


@pytest_asyncio.fixture
async def gateway(api: Api, topic_factory: Any, kafka_bootstrap: str
                  ) -> AsyncIterator[Gateway]:
    topics = {s: await topic_factory(s) for s in ("members", "inventory", "payments",
                                                  "reporting")}
    runner = ConsumerRunner(
        pool=api.pool,
        consumer=make_consumer(kafka_bootstrap, group_id=None, client_id="partners-test"),
        dlq_producer=make_producer(kafka_bootstrap, client_id="partners-test-dlq"),
        handler=api.gateway.handler(),
        config=RunnerConfig(consumer=GATEWAY_CONSUMER, topics=tuple(topics.values()),
                            group_id=None))
    await runner.start()
    try:
        yield Gateway(api, kafka_bootstrap, topics, runner)
    finally:
        await runner.close()
