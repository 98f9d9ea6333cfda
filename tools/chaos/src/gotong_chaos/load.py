"""The load: open-loop commands through the public HTTP APIs, as clerks and field
devices send them, with a client log of every command.

Every command carries an Idempotency-Key. On a timeout, a dropped connection, a 503, a
429 or a 409 concurrency conflict the client sends the same request again with the same
key (at most ``MAX_ATTEMPTS`` times, waiting as ``Retry-After`` says or backing off), as
a field device does; the server applies it once. What became of each command goes to
the client log (``commands.jsonl``): ``acknowledged`` (2xx), ``rejected`` (4xx, with its
problem code) or ``unknown`` (no answer after the last try). Every attempt is also kept
(``attempts.jsonl``: when, which API, what came back), for the 5xx and connection errors
seen during each fault.

The commands are scheduled at ``rate`` a second whatever the earlier ones do (open
loop), each a task of its own. Several clerks post for the same "hot" member at once
(wajib deposits while her produce is paid out, with loan and wajib deductions: the
race that once lost payouts).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TextIO

import httpx
import orjson

from gotong_devstack.demo import nik_for

__all__ = ["ClientLog", "Command", "Load", "World"]

MAX_ATTEMPTS = 10
TIMEOUT_S = 10.0
MAX_BACKOFF_S = 5.0
MAX_IN_FLIGHT = 400  # beyond this a command is counted as not sent (the client is behind)
RETRY_CODES = {"concurrency-conflict", "idempotency-key-in-use", "idempotency-in-progress"}


@dataclass
class World:
    """What the load works on: one cooperative of the demo and its things."""

    urls: dict[str, str]  # members, inventory, payments, reporting
    cooperative_id: str
    members: list[str]
    hot_member: str  # has an active loan: her produce is paid out with deductions
    loans: dict[str, str]  # loan id -> member id (active)
    warehouse_id: str  # buys produce
    shop_id: str
    produce_product_id: str
    shop_products: list[str]  # priced for members, in stock at the shop
    member_price: dict[str, tuple[int, int]]  # product -> (price, per_qty)
    clerk_tokens: list[str]
    treasurer_tokens: list[str]  # withdrawals need a pengurus (coop_admin)
    admin_token: str
    business_date: str  # offline facts carry it (the cooperative's date)
    run_tag: str  # unique per run: device ids, lots, names

    def path(self, tail: str) -> str:
        return f"/cooperatives/{self.cooperative_id}{tail}"


@dataclass
class Command:
    n: int
    kind: str
    service: str
    path: str
    body: dict[str, Any]
    token: str
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    # filled in as it goes
    outcome: str = "unsent"
    status: int | None = None
    code: str | None = None
    attempts: int = 0
    data: Any = None
    sent_at: float = 0.0
    done_at: float = 0.0

    def record(self) -> dict[str, Any]:
        return {"n": self.n, "kind": self.kind, "service": self.service, "path": self.path,
                "key": self.key, "body": self.body, "outcome": self.outcome,
                "status": self.status, "code": self.code, "attempts": self.attempts,
                "data": self.data, "sent_at": self.sent_at, "done_at": self.done_at}


@dataclass
class ClientLog:
    commands_out: TextIO
    attempts_out: TextIO
    commands: list[Command] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    not_sent: int = 0

    def attempt(self, at: float, service: str, kind: str, result: str) -> None:
        self.attempts_out.write(orjson.dumps(
            {"at": at, "service": service, "kind": kind, "result": result}).decode() + "\n")

    def done(self, command: Command) -> None:
        self.commands.append(command)
        self.outcomes[command.outcome] += 1
        self.commands_out.write(orjson.dumps(command.record()).decode() + "\n")


def _problem_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return str(body.get("code") or body.get("type") or "")


def _retry_after(response: httpx.Response | None, attempt: int) -> float:
    backoff: float = min(MAX_BACKOFF_S, 0.25 * 2 ** attempt) * random.uniform(0.5, 1.0)
    if response is not None:
        try:
            return float(min(MAX_BACKOFF_S, max(backoff, float(response.headers["Retry-After"]))))
        except (KeyError, ValueError):
            pass
    return backoff


class Load:
    """Sends the mix at ``rate`` commands a second until ``stop()``."""

    def __init__(self, world: World, log: ClientLog, rate: float, seed: int) -> None:
        self.world = world
        self.log = log
        self.rate = rate
        self.rng = random.Random(seed)
        self.counter = itertools.count(1)
        self.in_flight: set[asyncio.Task[None]] = set()
        self.stopping = asyncio.Event()
        self.clients = {name: httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S,
                                                limits=httpx.Limits(max_connections=64))
                        for name, url in world.urls.items()}
        self.applied: list[str] = []  # members applied in this run, not yet admitted
        self.device_seq: Counter[str] = Counter()
        w = self.world
        # (weight, maker): the mix of the issue, clerks and devices together
        self.mix: list[tuple[int, Any]] = [
            (4, self.apply_member), (2, self.admit_member),
            (8, self.sukarela_deposit), (3, self.sukarela_withdrawal),
            (6, self.wajib_deposit_hot), (3, self.wajib_deposit),
            (3, self.loan_repayment),
            (8, self.sale), (2, self.goods_receipt),
            (6, self.produce_receipt_hot), (2, self.produce_receipt),
            (2, self.transfer),
            (2, self.sync_payments), (2, self.sync_inventory),
        ]
        self.weights = [weight for weight, _ in self.mix]
        assert w.clerk_tokens

    # -- the run ---------------------------------------------------------------------

    async def run(self, duration_s: float) -> None:
        interval = 1 / self.rate
        due = time.monotonic()
        end = due + duration_s
        while not self.stopping.is_set() and time.monotonic() < end:
            maker = self.rng.choices(self.mix, weights=self.weights)[0][1]
            command = maker()
            if command is not None:
                if len(self.in_flight) >= MAX_IN_FLIGHT:
                    self.log.not_sent += 1
                else:
                    task = asyncio.create_task(self.send(command))
                    self.in_flight.add(task)
                    task.add_done_callback(self.in_flight.discard)
            due += interval
            await asyncio.sleep(max(0.0, due - time.monotonic()))

    async def drain(self, timeout_s: float) -> None:
        """Wait for the commands in flight; those still unanswered then are given up
        (logged as unknown), as a device that gives up."""
        if self.in_flight:
            _, pending = await asyncio.wait(set(self.in_flight), timeout=timeout_s)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        for client in self.clients.values():
            await client.aclose()

    async def send(self, command: Command) -> None:
        client = self.clients[command.service]
        headers = {"Authorization": f"Bearer {command.token}", "Idempotency-Key": command.key}
        command.sent_at = time.time()
        try:
            await self._attempts(command, client, headers)
        finally:  # also when given up by ``drain``
            if command.outcome not in ("acknowledged", "rejected"):
                command.outcome = "unknown"
            command.done_at = time.time()
            self.log.done(command)
        if command.outcome == "acknowledged":
            self.follow_up(command)

    async def _attempts(self, command: Command, client: httpx.AsyncClient,
                        headers: dict[str, str]) -> None:
        for attempt in range(MAX_ATTEMPTS):
            command.attempts = attempt + 1
            response: httpx.Response | None = None
            try:
                response = await client.post(command.path, json=command.body, headers=headers)
            except httpx.TimeoutException:
                result = "timeout"
            except httpx.TransportError:
                result = "connection"
            else:
                status = response.status_code
                command.status = status
                result = str(status)
                if status < 300:
                    command.outcome = "acknowledged"
                    command.data = response.json() if response.content else None
                elif status < 500 and status not in (409, 429):
                    command.outcome = "rejected"
                    command.code = _problem_code(response)
                elif status == 409:
                    command.code = _problem_code(response)
                    if command.code not in RETRY_CODES:
                        command.outcome = "rejected"
                    else:
                        result = f"409 {command.code}"
            self.log.attempt(time.time(), command.service, command.kind, result)
            if command.outcome in ("acknowledged", "rejected"):
                break
            # A 500 or another 5xx is retried too, as a field device would; the checker
            # fails the run on any 500 all the same.
            await asyncio.sleep(_retry_after(response, attempt))

    def follow_up(self, command: Command) -> None:
        """What a clerk does next with what the answer gave: admit an applicant, receive
        a transfer at the shop."""
        data = command.data if isinstance(data := command.data, dict) else {}
        if command.kind == "apply_member" and data.get("member_id"):
            self.applied.append(str(data["member_id"]))
        elif command.kind == "transfer" and data.get("transfer_id"):
            receive = self.command("transfer_receive", "inventory", self.world.path(
                f"/warehouses/{self.world.shop_id}/transfers/{data['transfer_id']}/receive"),
                {"lines": [{"product_id": line["product_id"], "qty_received": line["qty"]}
                           for line in command.body["lines"]]})
            if not self.stopping.is_set():
                task = asyncio.create_task(self.send(receive))
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)

    # -- the commands ----------------------------------------------------------------

    def command(self, kind: str, service: str, path: str, body: dict[str, Any],
                tokens: list[str] | None = None) -> Command:
        token = self.rng.choice(tokens or self.world.clerk_tokens)
        return Command(next(self.counter), kind, service, path, body, token)

    def member(self) -> str:
        return self.rng.choice(self.world.members)

    def apply_member(self) -> Command:
        n = next(self.counter)
        gender = self.rng.choice("LP")
        birth = date(self.rng.randrange(1960, 2000), self.rng.randrange(1, 13),
                     self.rng.randrange(1, 29))
        # consistent with birth date and gender, as the members API checks
        nik = nik_for("5318", 3, birth, gender, self.rng.randrange(5000, 10000))  # type: ignore[arg-type]
        return self.command("apply_member", "members", self.world.path("/members"), {
            "full_name": f"Anggota Chaos {n}", "nik": nik, "gender": gender,
            "birth_date": birth.isoformat(), "village_code": "5318032001"})

    def admit_member(self) -> Command | None:
        if not self.applied:
            return None
        member_id = self.applied.pop(0)
        return self.command("admit_member", "members",
                            self.world.path(f"/members/{member_id}/admit"), {},
                            self.world.treasurer_tokens)

    def _deposit(self, kind: str, member_id: str, savings_type: str) -> Command:
        return self.command(kind, "payments",
                            self.world.path(f"/members/{member_id}/savings/{savings_type}/"
                                            "deposits"),
                            {"amount_idr": self.rng.randrange(1, 50) * 1000,
                             "channel": self.rng.choice(["cash", "transfer", "qris"])})

    def sukarela_deposit(self) -> Command:
        return self._deposit("sukarela_deposit", self.member(), "sukarela")

    def sukarela_withdrawal(self) -> Command:
        return self.command("sukarela_withdrawal", "payments",
                            self.world.path(f"/members/{self.member()}/savings/sukarela/"
                                            "withdrawals"),
                            {"amount_idr": self.rng.randrange(1, 20) * 1000},
                            self.world.treasurer_tokens)

    def wajib_deposit_hot(self) -> Command:
        return self._deposit("wajib_deposit", self.world.hot_member, "wajib")

    def wajib_deposit(self) -> Command:
        return self._deposit("wajib_deposit", self.member(), "wajib")

    def loan_repayment(self) -> Command | None:
        if not self.world.loans:
            return None
        loan_id = self.rng.choice(sorted(self.world.loans))
        return self.command("loan_repayment", "payments",
                            self.world.path(f"/loans/{loan_id}/repayments"),
                            {"amount_idr": self.rng.randrange(1, 10) * 1000,
                             "channel": "cash"})

    def sale(self) -> Command:
        w = self.world
        product = self.rng.choice(w.shop_products)
        qty = self.rng.randrange(1, 3)
        price, per_qty = w.member_price[product]
        total = qty * price // per_qty
        return self.command("sale", "inventory", w.path("/sales"), {
            "warehouse_id": w.shop_id, "buyer_type": "member", "member_id": self.member(),
            "lines": [{"product_id": product, "qty": qty}], "discount_idr": 0,
            "payments": [{"method": "cash", "amount_idr": total}]})

    def goods_receipt(self) -> Command:
        w = self.world
        product = self.rng.choice(w.shop_products)
        qty = 20
        return self.command("goods_receipt", "inventory",
                            w.path(f"/warehouses/{w.shop_id}/goods-receipts"),
                            {"product_id": product, "qty": qty, "total_cost_idr": qty * 1000})

    def _produce_body(self, member_id: str) -> dict[str, Any]:
        gross = self.rng.randrange(5, 40) * 1000
        return {"member_id": member_id, "product_id": self.world.produce_product_id,
                "gross_qty_g": gross, "tare_g": 500, "grade": "A",
                "lot_id": f"CHAOS-{self.world.run_tag}",
                "harvest_date": datetime.now(UTC).date().isoformat()}

    def produce_receipt_hot(self) -> Command:
        w = self.world
        return self.command("produce_receipt", "inventory",
                            w.path(f"/warehouses/{w.warehouse_id}/produce-receipts"),
                            self._produce_body(w.hot_member))

    def produce_receipt(self) -> Command:
        w = self.world
        return self.command("produce_receipt", "inventory",
                            w.path(f"/warehouses/{w.warehouse_id}/produce-receipts"),
                            self._produce_body(self.member()))

    def transfer(self) -> Command:
        w = self.world
        return self.command("transfer", "inventory",
                            w.path(f"/warehouses/{w.warehouse_id}/transfers"),
                            {"to_warehouse_id": w.shop_id,
                             "lines": [{"product_id": w.produce_product_id,
                                        "qty": self.rng.randrange(1, 5) * 100}]})

    def _sync(self, service: str, device: str, items: list[dict[str, Any]]) -> Command:
        device_id = f"chaos-{self.world.run_tag}-{device}"
        now = datetime.now(UTC).isoformat()
        numbered = []
        for item in items:
            self.device_seq[device_id] += 1
            seq = self.device_seq[device_id]
            numbered.append({"client_id": f"{device_id}-{seq}", "device_seq": seq,
                             "occurred_at": now, "business_date": self.world.business_date,
                             **item})
        return self.command(f"sync_{service}", service, self.world.path("/sync"),
                            {"device_id": device_id, "items": numbered})

    def sync_payments(self) -> Command:
        items: list[dict[str, Any]] = []
        for _ in range(self.rng.randrange(1, 6)):
            if self.world.loans and self.rng.random() < 0.3:
                loan_id = self.rng.choice(sorted(self.world.loans))
                items.append({"type": "loan_repayment", "payload": {
                    "loan_id": loan_id, "amount_idr": self.rng.randrange(1, 10) * 1000,
                    "channel": "cash", "reference": uuid.uuid4().hex[:12]}})
            else:
                items.append({"type": "savings_deposit", "payload": {
                    "member_id": self.member(),
                    "savings_type": self.rng.choice(["wajib", "sukarela"]),
                    "amount_idr": self.rng.randrange(1, 30) * 1000, "channel": "cash",
                    "reference": uuid.uuid4().hex[:12]}})
        return self._sync("payments", f"collector-{self.rng.randrange(3)}", items)

    def sync_inventory(self) -> Command:
        w = self.world
        items: list[dict[str, Any]] = []
        for _ in range(self.rng.randrange(1, 4)):
            if self.rng.random() < 0.5:
                items.append({"type": "produce_receipt", "payload": {
                    "warehouse_id": w.warehouse_id, **self._produce_body(self.member())}})
            else:
                body = self.sale().body
                items.append({"type": "sale", "payload": body})
        return self._sync("inventory", f"till-{self.rng.randrange(3)}", items)
