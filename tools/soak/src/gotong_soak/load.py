"""The soak's open-loop load: ``rate`` commands a second through the public HTTP APIs.

Open loop: command i is due at ``origin + i / rate`` whatever the earlier ones do, and its
latency runs from when it was due (not from when a connection was free), so a server that
falls behind shows it in the latency instead of slowing the load down (coordinated
omission). Every command carries an Idempotency-Key of its own; none is retried (a retry
would hide a 5xx that the soak must count).

The mix (weights in ``MIX``): sukarela deposits and withdrawals, wajib deposits, shop
sales (the sale saga: inventory, then payments), produce receipts (payments pays the
member out, with wajib and loan deductions), member applications and loan repayments,
spread at random over the cooperatives and members ``fixtures.prepare`` made ready.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from gotong_soak.fixtures import Coop, Urls
from gotong_testing.http1 import Http1Connection, Http1Error

__all__ = ["MIX", "Command", "LoadResult", "choose", "make_command", "run_load"]

MIX: dict[str, int] = {
    "deposit": 25, "withdrawal": 10, "wajib_deposit": 10, "sale": 20,
    "produce_receipt": 15, "member_application": 8, "loan_repayment": 12,
}
# More in flight than this and the client itself is the bottleneck: the command is
# counted as "client-overloaded" (a failure: the soak did not hold its rate).
MAX_IN_FLIGHT = 2000
REQUEST_TIMEOUT_S = 30.0
# Keep-alive connections per API: a command waits for a free one (its latency, counted
# from when it was due, includes that wait).
CONNECTIONS_PER_API = 48


@dataclass(frozen=True)
class Command:
    kind: str
    url: str
    token: str
    body: dict[str, Any]


def choose(rng: random.Random, mix: dict[str, int] = MIX) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def _nik(n: int, regency: str) -> tuple[str, str, str]:
    """A well-formed NIK of applicant ``n`` (unique for n < 4,032,000 per regency), its
    gender and birth date: the NIK encodes both, and the members service checks them."""
    serial = n % 9999 + 1
    rest = n // 9999
    day, month, year = rest % 28 + 1, rest // 28 % 12 + 1, 1960 + rest // 336 % 40
    gender = "P" if n % 2 else "L"
    nik_day = day + 40 if gender == "P" else day
    nik = f"{regency}01{nik_day:02d}{month:02d}{year % 100:02d}{serial:04d}"
    return nik, gender, date(year, month, day).isoformat()


def make_command(kind: str, coop: Coop, urls: Urls, rng: random.Random, n: int,
                 today: date) -> Command:
    """Command ``n`` of ``kind`` for a member of ``coop`` chosen with ``rng``."""
    member = rng.choice(coop.members)
    pay = f"{urls.payments}/cooperatives/{coop.cooperative_id}"
    inv = f"{urls.inventory}/cooperatives/{coop.cooperative_id}"
    token = rng.choice(coop.clerk_tokens)
    if kind == "deposit":
        return Command(kind, f"{pay}/members/{member}/savings/sukarela/deposits", token,
                       {"amount_idr": rng.randrange(10_000, 100_000, 500), "channel": "cash"})
    if kind == "withdrawal":
        return Command(kind, f"{pay}/members/{member}/savings/sukarela/withdrawals",
                       rng.choice(coop.admin_tokens),
                       {"amount_idr": rng.randrange(1_000, 20_000, 500)})
    if kind == "wajib_deposit":
        return Command(kind, f"{pay}/members/{member}/savings/wajib/deposits", token,
                       {"amount_idr": rng.randrange(5_000, 50_000, 500), "channel": "cash"})
    if kind == "sale":
        qty = rng.randint(1, 5)
        return Command(kind, f"{inv}/sales", token, {
            "warehouse_id": coop.shop_id, "buyer_type": "member", "member_id": member,
            "lines": [{"product_id": coop.sale_product_id, "qty": qty}], "discount_idr": 0,
            "payments": [{"method": "cash", "amount_idr": qty * 5_000}]})
    if kind == "produce_receipt":
        return Command(kind, f"{inv}/warehouses/{coop.produce_warehouse_id}/produce-receipts",
                       token, {"member_id": member, "product_id": coop.produce_product_id,
                               "gross_qty_g": rng.randrange(5_000, 60_000, 100),
                               "tare_g": 300, "grade": "A", "lot_id": f"SOAK-{n}",
                               "harvest_date": today.isoformat()})
    if kind == "member_application":
        nik, gender, birth = _nik(n, coop.regency_code)
        return Command(kind, f"{urls.members}/cooperatives/{coop.cooperative_id}/members",
                       token, {"full_name": f"Pemohon Soak {n}", "nik": nik, "gender": gender,
                               "birth_date": birth,
                               "village_code": f"{coop.regency_code}010001"})
    if kind == "loan_repayment":
        loan = rng.choice(coop.loan_ids)
        return Command(kind, f"{pay}/loans/{loan}/repayments", token,
                       {"amount_idr": rng.randrange(1_000, 10_000, 500), "channel": "cash"})
    raise ValueError(f"unknown command kind {kind!r}")


@dataclass
class LoadResult:
    """Per command: (seconds since the load started when it was due, latency ms), and the
    answers counted by kind and status ("201", "409", "ConnectTimeout", ...)."""

    latencies: list[tuple[float, float]] = field(default_factory=list)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)
    problems: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # + problem code
    samples: list[str] = field(default_factory=list)  # the first few errors, in full
    sent: int = 0

    def status_totals(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for (_, status), n in self.statuses.items():
            totals[status] += n
        return totals


def _problem_code(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("code", "")) if isinstance(data, dict) else ""


class _Pool:
    """Keep-alive connections to one API, handed out one request at a time."""

    def __init__(self, base_url: str, size: int) -> None:
        self.connections = [Http1Connection(base_url, REQUEST_TIMEOUT_S) for _ in range(size)]
        self.free: asyncio.Queue[Http1Connection] = asyncio.Queue()
        for connection in self.connections:
            self.free.put_nowait(connection)

    async def post(self, path: str, body: bytes,
                   headers: dict[str, str]) -> tuple[int, bytes]:
        connection = await self.free.get()
        try:
            return await connection.post(path, body, headers)
        finally:
            self.free.put_nowait(connection)

    async def close(self) -> None:
        for connection in self.connections:
            await connection.close()


async def run_load(urls: Urls, coops: Sequence[Coop], rate: float, duration_s: float,
                   origin: float, today: date, seed: int = 14) -> LoadResult:
    """Send ``rate`` commands a second from ``origin`` (monotonic) for ``duration_s``, then
    wait for the answers still outstanding."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible mix, not a secret
    result = LoadResult()
    pools: dict[str, _Pool] = {}
    in_flight: set[asyncio.Task[None]] = set()

    async def send(command: Command, due: float) -> None:
        parts = urlsplit(command.url)
        base = f"{parts.scheme}://{parts.netloc}"
        pool = pools.get(base)
        if pool is None:
            pool = pools[base] = _Pool(base, CONNECTIONS_PER_API)
        headers = {"Authorization": f"Bearer {command.token}",
                   "Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"}
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S * 2):  # connection wait included
                status_code, body = await pool.post(parts.path,
                                                    json.dumps(command.body).encode(), headers)
        except (Http1Error, OSError, TimeoutError) as exc:
            status = "timeout" if isinstance(exc, TimeoutError) else "connection-error"
            result.statuses[(command.kind, status)] += 1
            if len(result.samples) < 20:
                result.samples.append(f"{command.kind}: {status}: {exc!r}")
            return
        latency_ms = (time.monotonic() - due) * 1000
        status = str(status_code)
        result.statuses[(command.kind, status)] += 1
        result.latencies.append((due - origin, latency_ms))
        if status_code >= 300:
            result.problems[(command.kind, status, _problem_code(body))] += 1
            if status_code >= 500 and len(result.samples) < 20:
                result.samples.append(f"{command.kind}: {status}: {body[:300]!r}")

    try:
        total = int(rate * duration_s)
        for i in range(total):
            due = origin + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            kind = choose(rng)
            coop = rng.choice(coops)
            command = make_command(kind, coop, urls, rng, i, today)
            result.sent += 1
            if len(in_flight) >= MAX_IN_FLIGHT:
                result.statuses[(kind, "client-overloaded")] += 1
                continue
            task = asyncio.create_task(send(command, due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(set(in_flight))
    finally:
        for pool in pools.values():
            await pool.close()
    return result
