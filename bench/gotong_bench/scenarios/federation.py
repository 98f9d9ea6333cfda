"""Scenario 10: the federation view at federation scale (issue 11).

A synthetic federation in a read-model version of its own (database
``gotong_bench_federation``): one cooperative's year (``gotong_testing.
synthetic_federation``: ~650 sales a month with a stock issue per line, produce,
savings, wajib bills, loans; 1 % voids, 3 % late uploads) projected through the
consumer's own handler, then copied as the other cooperatives' (``copy_cooperative``:
the facts under new ids, their maintained tables derived; a test shows a copy reports
exactly what its projected history does). Ten cooperatives a regency.

At each size (``Scale.federation_sizes``: 10 and 100, and 1,000 with ``--scale``) the
reporting API (``python -m reporting api``, its own process) answers, one request at
a time, ``federation_requests`` of each: the federation's, a regency's and a
cooperative's monthly report of 2025-12, the federation's ``as_of`` mid-month and
``known_at`` a moment inside the history (a closed month known at a past moment: the
first answer computes and stores it, the others read it; the first is reported apart),
and the federation's cooperatives CSV. p50 / p95 per request, the growth from the
smallest size to the largest, the API's peak RSS.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import httpx

from gotong_bench.common import percentile, summary
from gotong_bench.scenarios.bench import LOOPBACK, Bench

FEDERATION_PORT = 18004
MONTH = "2025-12"
TEMPLATE = "fed-00000"
REQUESTS: dict[str, tuple[str, dict[str, str]]] = {
    "federation": ("/federation/reports/monthly", {}),
    "region": ("/regions/{regency}/reports/monthly", {}),
    "cooperative": ("/cooperatives/{coop}/reports/monthly", {}),
    "federation as_of": ("/federation/reports/monthly", {"as_of": "2025-12-15"}),
    "federation known_at": ("/federation/reports/monthly",
                            {"known_at": "2026-01-10T00:00:00+00:00"}),
    "federation csv": ("/federation/reports/monthly.csv", {"table": "cooperatives"}),
}
TARGETS = {"federation": 250.0, "region": 100.0, "cooperative": 100.0,
           "federation as_of": 1000.0, "federation known_at": 1000.0,
           "federation csv": 1000.0}


def coop_id(n: int) -> str:
    return f"fed-{n:05d}"


def regency(n: int) -> str:
    """Ten cooperatives a regency, regencies of NTT (53) then further provinces."""
    block = n // 10
    return f"{53 + block // 99:02d}{block % 99 + 1:02d}"


async def run(bench: Bench) -> None:
    s = bench.scale
    from gotong_platform.migrations import upgrade
    from reporting.settings import ReportingSettings

    dsn = bench.stack.dsn("federation")
    await upgrade(dsn, ReportingSettings().migrations_dir)
    schema = await _live_version(dsn)
    loaded = 0
    per_size: dict[int, dict[str, Any]] = {}
    for size in s.federation_sizes:
        began = time.monotonic()
        facts = await _load(dsn, schema, loaded, size)
        load_s = time.monotonic() - began
        loaded = size
        bench.say(f"  {size:,} cooperatives: {facts:,} fact rows, loaded in {load_s:.0f} s")
        api = bench.stack.add_service(
            f"reporting-api-{size}",
            ["-m", "reporting", "api", "--port", str(FEDERATION_PORT)],
            bench.reporting_env("federation", []),
            f"http://{LOOPBACK}:{FEDERATION_PORT}/health")
        api.start()
        await asyncio.to_thread(api.wait_healthy)
        try:
            latencies = await _measure(bench, s.federation_requests)
        finally:
            rss = api.stop()
        bench.note_rss(f"reporting-api ({size:,} cooperatives)", rss)
        per_size[size] = {"facts": facts, "load_s": load_s, "peak_rss_mb": rss,
                          "latency_ms": latencies}
        bench.say("  " + ", ".join(
            f"{name} {summary(v['warm'])['median']:.0f}/{_p95(v['warm']):.0f} ms"
            for name, v in latencies.items()) + f"; API peak RSS {rss or 0:.0f} MB")
    bench.details["federation"] = per_size
    _figures(bench, per_size)


async def _live_version(dsn: str) -> str:
    from gotong_platform.db import create_pool
    from reporting.adapters.read_model.versions import create_version

    pool = await create_pool(dsn, max_size=2)
    try:
        schema = await create_version(pool, status="live")
        # The load writes ~90,000 rows a cooperative: unlogged tables skip their WAL
        # (reads are the same; a bench database is thrown away, and the consumer's own
        # connections commit without waiting for the WAL anyway).
        async with pool.acquire() as conn:
            for (table,) in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = $1", schema):
                await conn.execute(f'ALTER TABLE {schema}."{table}" SET UNLOGGED')
        return schema
    finally:
        await pool.close()


async def _load(dsn: str, schema: str, have: int, size: int) -> int:
    """Cooperatives ``have`` to ``size`` - 1: the first projected, the others copied.
    Returns the federation's fact rows."""
    from gotong_testing.synthetic_federation import cooperative_year
    from reporting.adapters.projection.dispatch import read_model_handler
    from reporting.adapters.read_model.copies import copy_cooperative

    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema,
                                                       "synchronous_commit": "off"})
    try:
        if have == 0:
            events = cooperative_year(TEMPLATE, regency(0), "WITA")
            for start in range(0, len(events), 2_000):
                async with conn.transaction():
                    await read_model_handler.apply_batch(conn, events[start:start + 2_000])
            have = 1
        for first in range(have, size, 10):
            copies = [(coop_id(n), regency(n)) for n in range(first, min(first + 10, size))]
            async with conn.transaction():
                await copy_cooperative(conn, TEMPLATE, copies)
        await conn.execute("ANALYZE")
        total = 0
        for table in ("fact_member_status", "fact_sale_lines", "fact_sale_voids",
                      "fact_produce", "fact_stock", "fact_savings", "fact_wajib_bills",
                      "fact_loans", "fact_loan_schedule", "fact_loan_events", "fact_events"):
            total += await conn.fetchval(f"SELECT count(*) FROM {table}")
        return int(total)
    finally:
        await conn.close()


def _p95(values: list[float]) -> float:
    return float(percentile(values, 95))


async def _measure(bench: Bench, n: int) -> dict[str, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {bench.stack.federation_token()}"}
    out: dict[str, dict[str, Any]] = {}
    async with httpx.AsyncClient(base_url=f"http://{LOOPBACK}:{FEDERATION_PORT}",
                                 headers=headers, timeout=600.0) as client:
        for name, (path, params) in REQUESTS.items():
            url = path.format(regency=regency(1), coop=coop_id(1))
            query = {"month": MONTH, **params}
            times: list[float] = []
            for _ in range(n + 1):
                began = time.perf_counter()
                response = await client.get(url, params=query)
                times.append(1000 * (time.perf_counter() - began))
                if response.status_code != 200:
                    raise RuntimeError(f"{url} {query}: {response.status_code} "
                                       f"{response.text[:300]}")
            out[name] = {"first": times[0], "warm": times[1:]}
    return out


def _figures(bench: Bench, per_size: dict[int, dict[str, Any]]) -> None:
    sizes = sorted(per_size)
    small, large = sizes[0], sizes[-1]
    for name in REQUESTS:
        key = name.replace(" ", "_")
        warm = {size: per_size[size]["latency_ms"][name]["warm"] for size in sizes}
        first = per_size[large]["latency_ms"][name]["first"]
        fig = bench.figure(
            key=f"s10.{key}", scenario="10 federation view at scale",
            name=f"{name} monthly {MONTH}, {large:,} cooperatives (p95 "
                 f"{_p95(warm[large]):.0f} ms; first request {first:.0f} ms)",
            unit="ms", runs=warm[large], higher_is_better=False,
            baseline=f"the same over {small:,} cooperatives", baseline_runs=warm[small],
            target=f"p95 ≤ {TARGETS[name]:.0f} ms at {large:,}"
                   + (" and growth ≤ 1.5x" if name in ("region", "cooperative") else ""))
        met = _p95(warm[large]) <= TARGETS[name]
        if name in ("region", "cooperative"):
            met = met and _p95(warm[large]) <= 1.5 * _p95(warm[small])
        fig.met = met
        fig.note = "; ".join(
            f"{size:,}: p50 {summary(warm[size])['median']:.0f} ms, p95 "
            f"{_p95(warm[size]):.0f} ms" for size in sizes) + (
            f"; growth of p95 {small:,} → {large:,}: "
            f"{_p95(warm[large]) / max(_p95(warm[small]), 0.001):.2f}x")
    rss = per_size[large]["peak_rss_mb"]
    bench.figure(key="s10.api_rss", scenario="10 federation view at scale",
                 name=f"reporting API peak RSS (VmHWM) serving {large:,} cooperatives",
                 unit="MB", runs=[rss] if rss else [], higher_is_better=False)
