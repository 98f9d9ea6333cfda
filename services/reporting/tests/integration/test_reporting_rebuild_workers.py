"""A rebuild by several processes equals the live read model built by one."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from test_reporting_facts_order import IN_ORDER

from gotong_platform.db import create_pool
from gotong_platform.envelope import encode_kafka_headers
from gotong_platform.kafka import make_producer
from reporting.adapters.consumer import build_runner, schema_pool
from reporting.adapters.read_model.versions import ensure_live
from reporting.application.rebuild import PARALLEL_FROM, workers_for
from reporting.main import rebuild
from reporting.settings import ReportingSettings

pytestmark = pytest.mark.integration


def test_workers_only_for_a_large_backlog() -> None:
    assert workers_for(PARALLEL_FROM - 1, cores=8) == 1
    assert workers_for(PARALLEL_FROM, cores=2) == 2
    assert workers_for(10 * PARALLEL_FROM, cores=64) == 4


async def test_a_rebuild_in_two_processes_is_identical_to_the_live_model(
    database_factory: Any, topic_factory: Any, kafka_bootstrap: str,
) -> None:
    topics = {source: await topic_factory(f"rm-{source}")
              for source in ("members", "inventory", "payments")}
    settings = ReportingSettings(database_url=await database_factory("rmworkers"),
                                 kafka_bootstrap=kafka_bootstrap,
                                 topics=tuple(topics.values()), jwt_key="r" * 48)
    producer = make_producer(kafka_bootstrap, client_id="test-rm-workers")
    await producer.start()
    try:
        for event in [*IN_ORDER, *IN_ORDER[:7]]:  # some re-sent
            env = event.envelope
            await producer.send_and_wait(topics[env.source], value=orjson.dumps(event.data),
                                         key=env.stream_id.encode(),
                                         headers=encode_kafka_headers(env))
    finally:
        await producer.stop()

    from gotong_platform.migrations import upgrade

    await upgrade(settings.database_url, settings.migrations_dir)
    admin = await create_pool(settings.database_url, max_size=2)
    try:
        live = await ensure_live(admin)
    finally:
        await admin.close()
    pool = await schema_pool(settings, live)
    try:
        runner = await build_runner(settings, pool, group_id=None, client_id="rm-live")
        await runner.start()
        try:
            async with asyncio.timeout(60):
                await runner.run_until_caught_up(await runner.end_offsets())
        finally:
            await runner.close()
    finally:
        await pool.close()

    result = await rebuild(settings, workers=2)
    assert result.workers == 2
    assert result.events == len(IN_ORDER) + 7
    assert result.identical_to_live is True
