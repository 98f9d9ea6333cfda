"""HTTP load generator, a separate process: ``python -m gotong_bench.loadgen spec.json``.

Two modes:

* ``closed``: ``concurrency`` workers, each sending its next request as soon as the
  previous one is answered, for ``warmup_s`` + ``duration_s``. Worker ``w`` owns the
  targets ``targets[w::concurrency]`` (its own accounts or stock ledgers), so two
  in-flight commands never race for one stream (that would be a 409, not speed).
  Only requests answered inside the measured window count.
* ``open``: a fixed rate (``rate`` commands/s for ``duration_s``), each command sent on
  schedule whatever the previous ones do. Every deposit has a unique amount, and a
  poller reads the reporting read model (``fact_savings``) every ``poll_ms``: the time
  from the 201 answer to the poll that first sees the row is the command's freshness.
  The poll reads only rows whose UUIDv7 ``event_id`` is not older than the oldest
  command still unseen, over the primary key, so it stays cheap. Freshness runs from
  the event's ``recorded_at`` (stamped inside the command's transaction, on this host's
  clock) to that poll; the time from the client's 201 to the poll is reported too (it
  is negative when the read model had the event before the answer reached the client).
  Without ``reporting_dsn`` it only sends (scenario 11 watches elsewhere where the
  deposits arrive).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from typing import Any

import asyncpg
import httpx
import orjson
import uvloop

from gotong_bench.common import load_spec, percentile, print_result, wait_for_go
from gotong_testing.http1 import Http1Connection, Http1Error

__all__ = ["main"]


def _request(kind: str, target: dict[str, Any], amount: int) -> tuple[str, bytes]:
    if kind == "deposit":
        path = (f"/cooperatives/{target['cooperative_id']}/members/{target['member_id']}"
                f"/savings/sukarela/deposits")
        return path, orjson.dumps({"amount_idr": amount, "channel": "cash"})
    if kind == "sale":
        return (f"/cooperatives/{target['cooperative_id']}/sales", orjson.dumps({
            "warehouse_id": target["warehouse_id"], "buyer_type": "non_member",
            "lines": [{"product_id": target["product_id"], "qty": 1}],
            "payments": [{"method": "cash", "amount_idr": target["price_idr"]}]}))
    raise ValueError(f"unknown request kind {kind!r}")


def _headers(target: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {target['token']}", "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json"}


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.samples: list[str] = []

    def error(self, what: str, detail: str) -> None:
        self.errors[what] += 1
        if len(self.samples) < 5:
            self.samples.append(f"{what}: {detail[:300]}")


async def _closed(spec: dict[str, Any]) -> dict[str, Any]:
    concurrency: int = spec["concurrency"]
    targets: list[dict[str, Any]] = spec["targets"]
    kind: str = spec["kind"]
    if len(targets) < concurrency:
        raise SystemExit(f"{len(targets)} targets for {concurrency} workers: they would race")
    warmup, duration = float(spec["warmup_s"]), float(spec["duration_s"])
    # One keep-alive connection per worker, through the minimal client (see http1): the
    # client's CPU per request is CPU the server does not get on a 2-core machine.
    tally = _Tally()
    clients = [Http1Connection(spec["base_url"]) for _ in range(concurrency)]
    try:
        wait_for_go()
        start = time.perf_counter()
        t0, t1 = start + warmup, start + warmup + duration

        async def worker(w: int) -> None:
            client = clients[w]
            mine = targets[w::concurrency]
            n = 0
            while True:
                now = time.perf_counter()
                if now >= t1:
                    return
                target = mine[n % len(mine)]
                n += 1
                path, body = _request(kind, target, 1000 + n)
                sent = time.perf_counter()
                try:
                    status, answer = await client.post(path, body, _headers(target))
                except Http1Error as exc:
                    tally.error(type(exc).__name__, str(exc))
                    continue
                done = time.perf_counter()
                if not t0 <= done <= t1:
                    continue
                if status in (200, 201):
                    tally.latencies.append(done - sent)
                else:
                    tally.error(str(status), answer.decode(errors="replace"))

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
    finally:
        for client in clients:
            await client.close()
    lat = tally.latencies
    return {
        "mode": "closed", "kind": kind, "concurrency": concurrency, "window_s": duration,
        "ok": len(lat), "throughput": len(lat) / duration,
        "p50_ms": percentile(lat, 50) * 1000 if lat else None,
        "p99_ms": percentile(lat, 99) * 1000 if lat else None,
        "errors": dict(tally.errors), "error_samples": tally.samples,
    }


def _uuid7_floor(unix_s: float) -> uuid.UUID:
    """The smallest UUIDv7 of the millisecond ``unix_s`` falls in."""
    ms = int(unix_s * 1000) & ((1 << 48) - 1)
    return uuid.UUID(int=ms << 80)


async def _open(spec: dict[str, Any]) -> dict[str, Any]:
    rate, duration = float(spec["rate"]), float(spec["duration_s"])
    targets: list[dict[str, Any]] = spec["targets"]
    amount_base: int = spec["amount_base"]
    poll_s = spec.get("poll_ms", 5) / 1000.0
    total = int(rate * duration)
    # amount -> when the client got the 201 (monotonic); amount -> first poll that saw it
    # (monotonic, and the wall-clock latency from the event's recorded_at).
    accepted: dict[int, float] = {}
    visible: dict[int, float] = {}
    pipeline_ms: dict[int, float] = {}
    tally = _Tally()
    polling = "reporting_dsn" in spec
    conn = (await asyncpg.connect(spec["reporting_dsn"],
                                  server_settings={"search_path": spec["schema"]})
            if polling else None)
    sent_wall: dict[int, float] = {}
    order: list[int] = []  # amounts in the order sent (sent_wall grows with it)
    head = 0  # order[:head] are all visible or failed
    stop_polling = asyncio.Event()
    sends_done = False
    all_seen = asyncio.Event()
    polls = 0

    async def poller() -> None:
        nonlocal polls, head
        while True:
            while head < len(order) and (order[head] in visible
                                         or order[head] not in sent_wall):
                head += 1
            if sends_done and head >= len(order):
                all_seen.set()
            if head < len(order) and conn is not None:
                rows = await conn.fetch(
                    "SELECT delta_idr, recorded_at FROM fact_savings WHERE event_id >= $1",
                    _uuid7_floor(sent_wall[order[head]] - 0.05))
                polls += 1
                seen_mono, seen_wall = time.monotonic(), time.time()
                for row in rows:
                    amount = int(row["delta_idr"])
                    if amount in sent_wall and amount not in visible:
                        visible[amount] = seen_mono
                        pipeline_ms[amount] = (seen_wall - row["recorded_at"].timestamp()) * 1000
            elif stop_polling.is_set():
                return
            await asyncio.sleep(poll_s)

    # A free list of single connections (see _closed): at most ``clients`` commands in
    # flight, each on a keep-alive connection of its own.
    free: asyncio.Queue[Http1Connection] = asyncio.Queue()
    connections = [Http1Connection(spec["base_url"]) for _ in range(int(spec.get("clients", 64)))]
    for connection in connections:
        free.put_nowait(connection)
    try:

        async def send(i: int) -> None:
            target = targets[i % len(targets)]
            amount = amount_base + i
            path, body = _request("deposit", target, amount)
            client = await free.get()
            sent_wall[amount] = time.time()
            order.append(amount)
            try:
                status, answer = await client.post(path, body, _headers(target))
            except Http1Error as exc:
                tally.error(type(exc).__name__, str(exc))
                sent_wall.pop(amount, None)
                return
            finally:
                free.put_nowait(client)
            if status == 201:
                accepted[amount] = time.monotonic()
            else:
                sent_wall.pop(amount, None)
                tally.error(str(status), answer.decode(errors="replace"))

        wait_for_go()
        poll_task = asyncio.create_task(poller()) if polling else None
        start = time.monotonic()
        tasks: list[asyncio.Task[None]] = []
        late = 0
        for i in range(total):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.05:
                late += 1
            tasks.append(asyncio.create_task(send(i)))
        await asyncio.gather(*tasks)
        send_seconds = time.monotonic() - start
        sends_done = True
        if poll_task is not None:
            # Wait (bounded) for the read model to show every accepted command.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_seen.wait(), float(spec.get("settle_s", 20)))
            stop_polling.set()
            head = len(order)
            await poll_task
    finally:
        for connection in connections:
            await connection.close()
    if conn is not None:
        await conn.close()
    seen = [a for a in accepted if a in visible]
    fresh = [pipeline_ms[a] for a in seen]
    client_view = [(visible[a] - accepted[a]) * 1000 for a in seen]
    return {
        "mode": "open", "rate": rate, "duration_s": duration, "sent": total,
        "achieved_rate": total / send_seconds, "sent_late": late, "accepted": len(accepted),
        "visible": len(fresh), "never_visible": len(accepted) - len(fresh),
        "p50_ms": percentile(fresh, 50) if fresh else None,
        "p99_ms": percentile(fresh, 99) if fresh else None,
        "max_ms": max(fresh) if fresh else None,
        "min_ms": min(fresh) if fresh else None,
        "after_answer_p50_ms": percentile(client_view, 50) if client_view else None,
        "after_answer_p99_ms": percentile(client_view, 99) if client_view else None,
        "after_answer_max_ms": max(client_view) if client_view else None,
        "visible_before_answer": sum(1 for v in client_view if v < 0),
        "polls": polls, "poll_ms": poll_s * 1000,
        "errors": dict(tally.errors), "error_samples": tally.samples,
    }


async def _sync(spec: dict[str, Any]) -> dict[str, Any]:
    """Devices uploading offline batches (``POST /sync``) back to back for ``duration_s``."""
    from datetime import UTC, datetime

    devices: list[dict[str, Any]] = spec["devices"]
    batch_size, duration = int(spec["batch_size"]), float(spec["duration_s"])
    tally = _Tally()
    batch_seconds: list[float] = []
    accepted = items = 0
    limits = httpx.Limits(max_connections=len(devices))
    async with httpx.AsyncClient(base_url=spec["base_url"], limits=limits, timeout=120.0) as client:
        wait_for_go()
        start = time.perf_counter()
        last = start

        async def device(d: dict[str, Any]) -> None:
            nonlocal accepted, items, last
            seq = 0
            while time.perf_counter() - start < duration:
                now = datetime.now(UTC)
                batch = []
                for _ in range(batch_size):
                    seq += 1
                    member = d["member_ids"][seq % len(d["member_ids"])]
                    batch.append({
                        "client_id": str(uuid.uuid4()), "device_seq": seq,
                        "type": "savings_deposit", "occurred_at": now.isoformat(),
                        "business_date": now.date().isoformat(),
                        "payload": {"member_id": member, "savings_type": "sukarela",
                                    "amount_idr": 1000 + seq, "channel": "cash"}})
                body = orjson.dumps({"device_id": d["device_id"], "items": batch})
                sent = time.perf_counter()
                reply = await client.post(
                    f"/cooperatives/{d['cooperative_id']}/sync", content=body,
                    headers={"Authorization": f"Bearer {d['token']}",
                             "Content-Type": "application/json"})
                done = time.perf_counter()
                if reply.status_code != 200:
                    tally.error(str(reply.status_code), reply.text)
                    return
                results = reply.json()["results"]
                items += len(results)
                accepted += sum(1 for r in results if r["status"] == "accepted")
                for r in results:
                    if r["status"] != "accepted":
                        tally.error(f"item {r['status']} {r.get('code')}", str(r.get("detail")))
                batch_seconds.append(done - sent)
                last = max(last, done)

        await asyncio.gather(*(device(d) for d in devices))
    elapsed = last - start
    return {"mode": "sync", "devices": len(devices), "batch_size": batch_size,
            "batches": len(batch_seconds), "items": items, "accepted": accepted,
            "seconds": elapsed, "items_per_s": accepted / elapsed if elapsed else None,
            "batch_p50_s": percentile(batch_seconds, 50) if batch_seconds else None,
            "batch_max_s": max(batch_seconds) if batch_seconds else None,
            "errors": dict(tally.errors), "error_samples": tally.samples}


def main() -> None:
    spec = load_spec()
    cpu0 = time.process_time()
    modes = {"closed": _closed, "open": _open, "sync": _sync}
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        result = runner.run(modes[spec["mode"]](spec))
    result["loadgen_cpu_s"] = time.process_time() - cpu0
    print_result(result)


if __name__ == "__main__":
    main()
