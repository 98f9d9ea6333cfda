"""Scenario 9: the shipped APIs against the same code with one change, bench-side
(nothing in services/ or shared/)."""

from __future__ import annotations

import asyncio
import uuid

from gotong_bench.scenarios.bench import LOOPBACK, Bench

# The variants serve the same databases as the shipped APIs, on ports of their own.
WHATIF_PORTS = {"payments-traced": 18013, "payments-2w": 18023, "inventory-traced": 18012}


async def run(bench: Bench) -> None:
    """The shipped APIs versus the same code with one change, back to back per repetition.

    The variants serve the same databases on other ports; the order alternates per
    repetition, so neither side always meets the longer streams.
    """
    s = bench.scale
    top = max(s.concurrencies)
    variants = {  # name: (service, port, tracing, workers)
        "payments-traced": ("payments", WHATIF_PORTS["payments-traced"], "recording", 1),
        "payments-2w": ("payments", WHATIF_PORTS["payments-2w"], "shipped", 2),
        "inventory-traced": ("inventory", WHATIF_PORTS["inventory-traced"], "recording", 1),
    }
    procs = []
    for name, (service, port, tracing, workers) in variants.items():
        env = bench.payments_env() if service == "payments" else bench.inventory_env()
        env["PYTHONPATH"] = bench.env["PYTHONPATH"]
        procs.append(bench.stack.add_service(
            f"what-if {name}", ["-m", "gotong_bench.whatif_api", service, "--port",
                                str(port), "--tracing", tracing, "--workers", str(workers)],
            env, f"http://{LOOPBACK}:{port}/health"))
    for proc in procs:
        proc.start()
    for proc in procs:
        await asyncio.to_thread(proc.wait_healthy)
    lengths = [await bench.stream_lengths([m for _, m in bench.pop.members][r::s.reps + 1])
               for r in range(s.reps)]
    # (figure key, kind, shipped url, variant port)
    pairs = [
        ("deposit", "deposit", bench.payments_url, WHATIF_PORTS["payments-traced"]),
        ("sale", "sale", bench.inventory_url, WHATIF_PORTS["inventory-traced"]),
        ("deposit-2w", "deposit", bench.payments_url, WHATIF_PORTS["payments-2w"]),
        ("sync-2w", "sync", bench.payments_url, WHATIF_PORTS["payments-2w"]),
    ]
    runs: dict[str, dict[str, list[float]]] = {k: {"shipped": [], "variant": []}
                                               for k, *_ in pairs}
    for rep in range(s.reps):
        for key, kind, shipped_url, port in pairs:
            order = ("shipped", "variant") if rep % 2 == 0 else ("variant", "shipped")
            for side in order:
                url = shipped_url if side == "shipped" else f"http://{LOOPBACK}:{port}"
                value = await _what_if_run(bench, kind, url, rep, top, f"s9-{key}-{side}")
                runs[key][side].append(value)
        bench.say("  rep {}: {}".format(rep + 1, ", ".join(
            f"{k} {v['shipped'][-1]:.0f} (shipped) / {v['variant'][-1]:.0f}"
            for k, v in runs.items())))
    for proc in procs:
        bench.note_rss(proc.name, proc.stop())
    bench.details["what_if"] = {"runs": runs, "deposit_stream_lengths": lengths}
    note = ("the variant records every span (a recording SDK span per request, as "
            "before spans were recorded only for an exporter; also the cost of exporting "
            "every trace). The deposit accounts hold "
            f"{min(lengths):.0f}-{max(lengths):.0f} events on average at the start (the "
            "earlier scenarios grew them)")
    for key, name in (("deposit", f"savings deposit, concurrency {top}"),
                      ("sale", f"shop sale, concurrency {top}")):
        bench.figure(key=f"s9.tracing.{key}", scenario="9 what-if (one change, same run)",
                     name=f"{name}: spans recorded only when exported (shipped)",
                     unit="commands/s", runs=runs[key]["shipped"],
                     baseline="every span recorded", baseline_runs=runs[key]["variant"],
                     note=note)
    bench.figure(key="s9.workers", scenario="9 what-if (one change, same run)",
                 name=f"savings deposit, concurrency {top}: 2 uvicorn workers",
                 unit="commands/s",
                 runs=runs["deposit-2w"]["variant"], baseline="1 worker (as `make run`)",
                 baseline_runs=runs["deposit-2w"]["shipped"])
    sync_2w = bench.figure(key="s9.workers.sync", scenario="9 what-if (one change, same run)",
                 name=f"POST /sync ({s.sync_batch} per batch, {s.sync_devices} devices): "
                      "2 uvicorn workers", unit="events/s",
                 runs=runs["sync-2w"]["variant"], baseline="1 worker (as `make run`)",
                 baseline_runs=runs["sync-2w"]["shipped"], target="≥ 20,000 events/s")
    sync_2w.met = bool(sync_2w.median and sync_2w.median >= 20_000)


async def _what_if_run(bench: Bench, kind: str, url: str, rep: int, top: int, name: str) -> float:
    s = bench.scale
    if kind == "sync":
        devices = [{"device_id": f"bench-whatif-{rep}-{d}-{uuid.uuid4().hex[:6]}",
                    "cooperative_id": coop.cooperative_id, "token": coop.clerk_token,
                    "member_ids": coop.member_ids}
                   for d, coop in enumerate(bench.pop.coops[4:4 + s.sync_devices])]
        result, _ = await bench.windowed(
            f"{name}-r{rep}", "loadgen",
            {"mode": "sync", "base_url": url, "devices": devices,
             "batch_size": s.sync_batch, "duration_s": s.whatif_duration_s},
            {}, 0.0, s.whatif_duration_s, rss_as="loadgen")
        bench.check_errors(name, result)
        return float(result["items_per_s"] or 0.0)
    targets = (bench.deposit_targets(bench.pop, rep) if kind == "deposit"
               else bench.sale_targets(rep))
    result, _ = await bench.windowed(
        f"{name}-r{rep}", "loadgen",
        {"mode": "closed", "kind": kind, "base_url": url, "concurrency": top,
         "warmup_s": s.warmup_s, "duration_s": s.whatif_duration_s, "targets": targets},
        {}, s.warmup_s, s.whatif_duration_s, rss_as="loadgen")
    bench.check_errors(name, result)
    return float(result["throughput"])
