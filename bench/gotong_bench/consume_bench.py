"""Consumers of one topic: ``python -m gotong_bench.consume_bench spec.json``.

* ``raw``: a plain aiokafka consumer (the platform's consumer settings: 500 records per
  poll, 50 ms fetch wait) assigned every partition, from offset 0 to the end offsets
  taken at its start. It only reads (and counts bytes): the floor for any projection.
* ``runner``: one instance of the reporting read-model consumer for a scale-out run:
  the real ``reporting.adapters.consumer.build_runner`` (the ``ConsumerRunner`` with the
  projection ``apply_event``), set up like ``python -m reporting consumer`` (logging and
  tracing), writing into a read-model version the orchestrator created, over the
  partitions it is given (static assignment, so instances never rebalance mid-run).
  It prints READY once assigned and seeked, and starts on the orchestrator's go.
* ``gateway``: the partner gateway's consumer (scenario 11) as ``python -m partners
  consumer`` builds it (``ConsumerProcess``: the same ``ConsumerRunner`` settings, the
  handler of ``partners.main.build_consumer``, logging and tracing set up alike), over
  every partition of the topic (no group, so no rebalance before the clock starts), from
  its stored positions to the end offsets taken before the go: each event archived and
  appended to the feeds of the partners whose consents cover it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import TopicPartition

from gotong_bench.common import load_spec, print_result, wait_for_go

__all__ = ["main"]


async def _raw(spec: dict[str, Any]) -> dict[str, Any]:
    from gotong_platform.kafka import make_consumer

    consumer = make_consumer(spec["bootstrap"], group_id=None, client_id="bench-raw-consumer")
    await consumer.start()
    try:
        partitions = sorted(consumer.partitions_for_topic(spec["topic"]) or [])
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = sorted(consumer.partitions_for_topic(spec["topic"]) or [])
        parts = [TopicPartition(spec["topic"], p) for p in partitions]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends: dict[TopicPartition, int] = await consumer.end_offsets(parts)
        count = size = 0
        positions = dict.fromkeys(parts, 0)
        started = time.perf_counter()
        while any(positions[tp] < ends[tp] for tp in parts):
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            for tp, records in batches.items():
                count += len(records)
                size += sum(len(r.value or b"") for r in records)
                positions[tp] = records[-1].offset + 1
        seconds = time.perf_counter() - started
    finally:
        await consumer.stop()
    return {"mode": "raw", "events": count, "seconds": seconds,
            "events_per_s": count / seconds if seconds else None, "value_bytes": size}


async def _runner(spec: dict[str, Any]) -> dict[str, Any]:
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from reporting.adapters.consumer import build_runner, schema_pool
    from reporting.settings import ReportingSettings

    configure_logging("INFO")
    configure_tracing("reporting-consumer", otlp_endpoint=None)
    settings = ReportingSettings(database_url=spec["dsn"], kafka_bootstrap=spec["bootstrap"],
                                 topics=(spec["topic"],), topic_partitions=spec["partitions"])
    pool = await schema_pool(settings, spec["schema"])
    try:
        runner = await build_runner(settings, pool, group_id=None,
                                    client_id=f"bench-scale-{spec['instance']}")
        # ConsumerRunner.start() would assign every partition; an instance takes its share.
        consumer = runner._consumer
        await consumer.start()
        await runner._dlq.start()
        parts = [TopicPartition(spec["topic"], p) for p in spec["assigned"]]
        consumer.assign(parts)
        await runner.seek_to_stored(parts)
        ends: dict[TopicPartition, int] = await consumer.end_offsets(parts)
        limit = spec.get("events_per_partition")
        if limit is not None:  # a prefix of each partition: same work for every instance count
            ends = {tp: min(end, runner.positions.get(tp, 0) + int(limit))
                    for tp, end in ends.items()}
        wait_for_go()
        started_wall = time.time()
        started = time.perf_counter()
        try:
            await runner.run_until_caught_up(ends)
        finally:
            seconds = time.perf_counter() - started
            ended_wall = time.time()
            await runner.close()
    finally:
        await pool.close()
    return {"mode": "runner", "instance": spec["instance"], "partitions": spec["assigned"],
            "events": runner.processed + runner.dead_lettered,
            "dead_lettered": runner.dead_lettered, "seconds": seconds,
            "started_at": started_wall, "ended_at": ended_wall}


async def _gateway(spec: dict[str, Any]) -> dict[str, Any]:
    from gotong_platform.consumer import ConsumerRunner, RunnerConfig
    from gotong_platform.db import close_pool, create_pool
    from gotong_platform.kafka import make_consumer, make_producer
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from partners.__main__ import CONSUMER
    from partners.main import build_consumer
    from partners.settings import PartnersSettings

    settings = PartnersSettings()  # GOTONG_PARTNERS_*, as the service process reads them
    configure_logging(settings.log_level)
    configure_tracing("partners-consumer", otlp_endpoint=settings.otlp_endpoint)
    auth = settings.kafka_auth()
    pool = await create_pool(settings.database_url, max_size=5)
    runner = ConsumerRunner(
        pool=pool,
        consumer=make_consumer(settings.kafka_bootstrap, group_id=None, client_id=CONSUMER,
                               auth=auth),
        dlq_producer=make_producer(settings.kafka_bootstrap, client_id=f"{CONSUMER}-dlq",
                                   auth=auth),
        handler=build_consumer(settings).handler(),
        config=RunnerConfig(consumer=CONSUMER, topics=(spec["topic"],), group_id=None))
    try:
        await runner.start()
        ends = await runner.end_offsets()
        wait_for_go()
        started = time.perf_counter()
        await runner.run_until_caught_up(ends)
        seconds = time.perf_counter() - started
    finally:
        await runner.close()
        await close_pool(pool)
    events = runner.processed + runner.dead_lettered
    return {"mode": "gateway", "events": events, "dead_lettered": runner.dead_lettered,
            "seconds": seconds, "events_per_s": events / seconds if seconds else None}


def main() -> None:
    spec = load_spec()
    cpu0 = time.process_time()
    if spec["mode"] == "raw":
        result = asyncio.run(_raw(spec))
    else:  # on uvloop, as the services' consumer processes run
        from gotong_platform.consumer.process import run

        result = run(_gateway(spec) if spec["mode"] == "gateway" else _runner(spec))
    result["worker_cpu_s"] = time.process_time() - cpu0
    print_result(result)


if __name__ == "__main__":
    main()
