"""Scenarios 1 and 2: commands over HTTP against raw asyncpg inserts and the
eventsourcing anchor."""

from __future__ import annotations

from typing import Any

from gotong_bench.common import summary
from gotong_bench.procs import postgres_pids
from gotong_bench.scenarios.bench import LOOPBACK, Bench


async def run(bench: Bench) -> None:
    s = bench.scale
    runs: dict[str, dict[int, list[dict[str, Any]]]] = {
        k: {c: [] for c in s.concurrencies} for k in ("deposit", "sale", "raw")}
    anchor: dict[int, list[dict[str, Any]]] = {c: [] for c in s.anchor_concurrencies}
    for rep in range(s.reps):
        for c in s.concurrencies:
            common = {"mode": "closed", "concurrency": c, "warmup_s": s.warmup_s,
                      "duration_s": s.duration_s}
            for kind, url, service in (("deposit", bench.payments_url, "payments-api"),
                                       ("sale", bench.inventory_url, "inventory-api")):
                targets = (bench.deposit_targets(bench.pop, rep) if kind == "deposit"
                           else bench.sale_targets(rep))
                result, cpu = await bench.windowed(
                    f"s1-{kind}-c{c}-r{rep}", "loadgen",
                    {**common, "kind": kind, "base_url": url, "targets": targets},
                    bench.groups(service), s.warmup_s, s.duration_s, rss_as="loadgen",
                    waits_in="payments" if kind == "deposit" else "inventory")
                runs[kind][c].append(result)
                bench.record_cpu(f"s1 {kind} c={c}", cpu, result["ok"])
                bench.check_errors(f"{kind} c={c}", result)
            result, cpu = await bench.windowed(
                f"s1-raw-c{c}-r{rep}", "rawdb",
                {**common, "mode": "inserts", "dsn": bench.stack.dsn("raw"),
                 "payload": bench.sample_payload, "public_payload": bench.sample_public,
                 "topic": "bench.raw", "stream_prefix": f"raw-{rep}-{c}"},
                {"postgresql": postgres_pids}, s.warmup_s, s.duration_s,
                rss_as="raw-asyncpg", waits_in="raw")
            runs["raw"][c].append(result)
            bench.record_cpu(f"s1 raw c={c}", cpu, result["ok"])
            deposits = runs["deposit"][c][-1]["throughput"]
            sales = runs["sale"][c][-1]["throughput"]
            bench.say(f"  rep {rep + 1} c={c}: deposit {deposits:.0f}/s, sale {sales:.0f}/s, "
                      f"raw {result['throughput']:.0f}/s")
        for c in s.anchor_concurrencies:
            result, cpu = await bench.windowed(
                f"s2-anchor-c{c}-r{rep}", "anchor_es",
                {"concurrency": c, "warmup_s": s.warmup_s, "duration_s": s.duration_s,
                 "dbname": bench.stack.db("es"), **_pg_params(bench)},
                {"postgresql": postgres_pids}, s.warmup_s, s.duration_s,
                python=str(bench.bench_python), rss_as="eventsourcing-anchor")
            anchor[c].append(result)
            bench.record_cpu(f"s2 anchor c={c}", cpu, result["ok"])
            bench.say(f"  rep {rep + 1} anchor c={c}: {result['throughput']:.0f} saves/s")
    bench.details["commands"] = runs
    bench.details["anchor"] = anchor
    members = [m for _, m in bench.pop.members]
    bench.details["deposit_stream_lengths_after"] = [
        await bench.stream_lengths(members[r::s.reps + 1]) for r in range(s.reps)]
    top = max(s.concurrencies)
    for kind, label in (("deposit", "savings deposit"), ("sale", "shop sale")):
        for c in s.concurrencies:
            fig = bench.figure(
                key=f"s1.{kind}.c{c}", scenario="1 commands over HTTP",
                name=f"{label}, concurrency {c}", unit="commands/s",
                runs=[r["throughput"] for r in runs[kind][c]],
                baseline=f"raw asyncpg event+outbox tx, concurrency {c}",
                baseline_runs=[r["throughput"] for r in runs["raw"][c]])
            if c == top:
                fig.target = "≥ 1,000/s and ≥ 70 % of raw"
                fig.met = bool(fig.median and fig.median >= 1000
                               and (fig.ratio_median or 0) >= 0.70)
    best_anchor = max(s.anchor_concurrencies,
                      key=lambda c: summary(r["throughput"] for r in anchor[c])["median"])
    for kind, label in (("deposit", "savings deposit"), ("sale", "shop sale")):
        fig = bench.figure(
            key=f"s2.{kind}", scenario="2 versus the eventsourcing anchor",
            name=f"{label} over HTTP at concurrency {top}", unit="commands/s",
            runs=[r["throughput"] for r in runs[kind][top]],
            baseline=f"eventsourcing one-event aggregates, {best_anchor} thread(s) "
                     f"(its best)",
            baseline_runs=[r["throughput"] for r in anchor[best_anchor]],
            target="≥ 5x")
        fig.met = bool(fig.ratio_median and fig.ratio_median >= 5)
    for c in s.anchor_concurrencies:
        bench.figure(key=f"s2.anchor.c{c}", scenario="2 versus the eventsourcing anchor",
                     name=f"eventsourcing saves, {c} thread(s)", unit="saves/s",
                     runs=[r["throughput"] for r in anchor[c]],
                     note="the anchor itself, for context")


def _pg_params(bench: Bench) -> dict[str, Any]:
    """Host, port, user and password of the stack's PostgreSQL (for psycopg)."""
    from urllib.parse import unquote, urlsplit

    dsn = urlsplit(bench.stack.admin_dsn)
    return {"host": dsn.hostname or LOOPBACK, "port": dsn.port or 5432,
            "user": unquote(dsn.username or "postgres"),
            "password": unquote(dsn.password or "")}
