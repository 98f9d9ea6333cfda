"""The checker: after the load and the nemesis, the platform quiesced, every
acknowledged command is held against the end state.

Each check is a count that must be 0 (or a yes that must be yes):

* **lost / applied twice**: every event carries the command that wrote it (``events.
  command_id``: the Idempotency-Key, or an offline fact's client id). An acknowledged
  command with no event in its service's store is lost; one whose events were written
  by more than one transaction (``xmin``) was applied twice. The second count is taken
  over every command and reaction of the run, not only the client's;
* **not on Kafka**: every published event of every store (``public_payload``) must be on
  its topic (read back from offset 0, by the CloudEvents ``ce_id``), and no outbox may
  still hold a row;
* **reactions applied zero times**: each produce receipt has its payout, each sale its
  payment, each recorded payment its completed sale, each admission its savings
  accounts (``causation_id``), once;
* **balances and stock**: each savings account touched, and each stock line, equals its
  value before the load plus what the client log says was acknowledged (and the payout
  deductions payments reports for the run's receipts);
* **dead letters**: rows of every service's ``dead_letters`` table and records on every
  ``*.dlt`` topic;
* **5xx**: no 500 ever, and no 5xx but 503 during a database outage (503 and connection
  errors are counted per fault, not failed);
* **read model == rebuild**: ``python -m reporting rebuild`` replays every topic from
  offset 0 into a new version and compares it with the live one, table by table;
* **no restart from outside**: no process exited that the nemesis did not kill.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from gotong_chaos.load import Command, World
from gotong_chaos.nemesis import Fault
from gotong_platform.kafka import KafkaAuth

__all__ = ["Checks", "Snapshot", "Stores", "check", "snapshot"]

SERVICES = ("members", "inventory", "payments", "reporting", "partners")
# source service, event type -> the reacting service and what it must write, once
REACTIONS = (
    ("inventory", "ProduceReceivedFromMember", "payments", "ProducePayoutMade"),
    ("inventory", "SaleRecorded", "payments", "SalePaymentRecorded"),
    ("payments", "SalePaymentRecorded", "inventory", "SaleCompleted"),
    ("members", "MemberAdmitted", "payments", "SavingsAccountOpened"),
)


# A command or reaction applied twice writes the same kind of event to the same stream
# again, in another transaction: a reaction may write several streams one transaction
# each (a payout: the wajib deduction, the loan instalment, the payout), never one twice.
_TWICE = """
SELECT command_id, stream_id, event_type FROM events WHERE command_id IS NOT NULL
GROUP BY command_id, stream_id, event_type HAVING count(DISTINCT xmin::text) > 1
"""


@dataclass
class Stores:
    """The service databases of the run (admin DSN with each database)."""

    admin_dsn: str
    bootstrap: str
    auth: KafkaAuth

    def dsn(self, service: str) -> str:
        return self.admin_dsn.rsplit("/", 1)[0] + f"/gotong_{service}"


@dataclass
class Snapshot:
    """Balances and stock as the APIs answer them."""

    savings: dict[tuple[str, str], int] = field(default_factory=dict)  # member, type
    stock: dict[tuple[str, str], int] = field(default_factory=dict)  # warehouse, product


async def snapshot(world: World, members: Iterable[str]) -> Snapshot:
    snap = Snapshot()
    headers = {"Authorization": f"Bearer {world.admin_token}"}
    async with httpx.AsyncClient(timeout=30) as client:
        for member_id in members:
            response = await client.get(
                world.urls["payments"] + world.path(f"/members/{member_id}/savings"),
                headers=headers)
            if response.status_code == 200:
                for account in response.json()["accounts"]:
                    snap.savings[(member_id, account["savings_type"])] = account["balance_idr"]
        for warehouse in (world.warehouse_id, world.shop_id):
            response = await client.get(
                world.urls["inventory"] + world.path(f"/warehouses/{warehouse}/stock"),
                headers=headers)
            response.raise_for_status()
            for line in response.json():
                snap.stock[(warehouse, line["product_id"])] = line["on_hand"]
    return snap


@dataclass
class Checks:
    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def must_be_zero(self, name: str, value: int, detail: Any = None) -> None:
        self.figures[name] = value
        if value:
            self.failures.append(f"{name}: {value}")
            if detail:
                self.details[name] = detail


def acknowledged_facts(commands: Sequence[Command]) -> tuple[dict[str, list[str]],
                                                             dict[str, list[dict[str, Any]]]]:
    """Per service: the command ids the client holds acknowledged (HTTP keys and the
    client ids of accepted offline facts), and the accepted facts' items."""
    ids: dict[str, list[str]] = defaultdict(list)
    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in commands:
        if c.outcome != "acknowledged":
            continue
        if not c.kind.startswith("sync_"):
            ids[c.service].append(c.key)
            continue
        results = {r.get("client_id"): r for r in (c.data or {}).get("results", [])}
        for item in c.body["items"]:
            result = results.get(item["client_id"], {})
            first = result.get("result") or {}
            if result.get("status") == "accepted" or (
                    result.get("status") == "duplicate" and first.get("status") == "accepted"):
                ids[c.service].append(item["client_id"])
                facts[c.service].append(item)
    return ids, facts


def refused_facts(commands: Sequence[Command]) -> Counter[str]:
    refused: Counter[str] = Counter()
    for c in commands:
        if c.outcome == "acknowledged" and c.kind.startswith("sync_"):
            for r in (c.data or {}).get("results", []):
                status = r.get("status")
                first = r.get("result") or {}
                if status not in ("accepted", "duplicate") or (
                        status == "duplicate" and first.get("status") != "accepted"):
                    refused[str(r.get("code"))] += 1
    return refused


async def _stores(stores: Stores, checks: Checks, commands: Sequence[Command]) -> None:
    ids, _ = acknowledged_facts(commands)
    unknown: dict[str, list[str]] = defaultdict(list)
    for c in commands:
        if c.outcome == "unknown" and not c.kind.startswith("sync_"):
            unknown[c.service].append(c.key)
    lost: list[str] = []
    twice_all: list[str] = []
    unknown_applied = 0
    backlog = 0
    dead = 0
    published: dict[str, set[str]] = {}
    for service in SERVICES:
        conn = await asyncpg.connect(stores.dsn(service))
        try:
            rows = await conn.fetch(
                "SELECT command_id, count(DISTINCT xmin::text) AS txs FROM events "
                "WHERE command_id = ANY($1::text[]) GROUP BY command_id",
                ids.get(service, []))
            found = {r["command_id"] for r in rows}
            lost += [f"{service}:{k}" for k in ids.get(service, []) if k not in found]
            twice = await conn.fetch(_TWICE)
            twice_all += [f"{service}:{r['command_id']} {r['stream_id']} {r['event_type']}"
                          for r in twice]
            unknown_applied += int(await conn.fetchval(
                "SELECT count(DISTINCT command_id) FROM events WHERE command_id = ANY($1::text[])",
                unknown.get(service, [])))
            backlog += int(await conn.fetchval("SELECT count(*) FROM outbox"))
            with contextlib.suppress(asyncpg.UndefinedTableError):
                dead += int(await conn.fetchval("SELECT count(*) FROM dead_letters"))
            published[service] = {str(r["event_id"]) for r in await conn.fetch(
                "SELECT event_id FROM events WHERE public_payload IS NOT NULL")}
        finally:
            await conn.close()
    checks.must_be_zero("acknowledged commands lost", len(lost), lost[:20])
    checks.must_be_zero("commands or reactions applied twice", len(twice_all), twice_all[:20])
    checks.figures["unknown commands applied (once)"] = unknown_applied
    checks.must_be_zero("events still in an outbox", backlog)
    checks.must_be_zero("dead letters (tables)", dead)
    on_kafka, dlt = await _kafka(stores)
    missing = [f"{s}:{e}" for s, events in published.items() for e in events - on_kafka]
    checks.figures["events published"] = sum(len(v) for v in published.values())
    checks.must_be_zero("events in a store but not on Kafka", len(missing), missing[:20])
    checks.must_be_zero("dead letters (topics)", sum(dlt.values()), dict(dlt))
    await _reactions(stores, checks)


async def _kafka(stores: Stores) -> tuple[set[str], Counter[str]]:
    """Every event id on the domain topics, and the record count of each ``.dlt``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=stores.bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", group_id=None,
                                **stores.auth.client_kwargs())
    admin = AIOKafkaAdminClient(bootstrap_servers=stores.bootstrap, client_id="chaos-checker",
                                **stores.auth.client_kwargs())
    await admin.start()
    try:
        # The services' own topics and their dead letters (not the partners' copies).
        topics = [t for t in await admin.list_topics()
                  if t.split(".")[:2] in (["gotong", s] for s in SERVICES)]
        parts = [TopicPartition(d["topic"], p["partition"])
                 for d in await admin.describe_topics(topics) for p in d["partitions"]]
    finally:
        await admin.close()
    await consumer.start()
    try:
        ends = await consumer.end_offsets(parts)
        dlt: Counter[str] = Counter()
        for tp in parts:
            if tp.topic.endswith(".dlt"):
                dlt[tp.topic] += ends[tp]
        wanted = [tp for tp in parts if tp.topic.endswith(".events") and ends[tp] > 0]
        ids: set[str] = set()
        if not wanted:
            return ids, dlt
        consumer.assign(wanted)
        await consumer.seek_to_beginning(*wanted)
        remaining = set(wanted)
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=5000)
            for records in batch.values():
                for record in records:
                    headers = dict(record.headers)
                    if headers.get("ce_id"):
                        ids.add(headers["ce_id"].decode())
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return ids, dlt
    finally:
        # aiokafka's stop of a consumer without a group can raise the CancelledError of
        # its own committed-offsets task; the consumer is stopped all the same.
        with contextlib.suppress(asyncio.CancelledError):
            await consumer.stop()


async def _reactions(stores: Stores, checks: Checks) -> None:
    conns = {s: await asyncpg.connect(stores.dsn(s)) for s in ("members", "inventory",
                                                              "payments")}
    try:
        missing: list[str] = []
        for source, event_type, target, reaction in REACTIONS:
            sources = [r["event_id"] for r in await conns[source].fetch(
                "SELECT event_id FROM events WHERE event_type = $1", event_type)]
            rows = await conns[target].fetch(
                "SELECT causation_id, count(DISTINCT xmin::text) AS txs FROM events "
                "WHERE event_type = $1 AND causation_id = ANY($2::uuid[]) "
                "GROUP BY causation_id", reaction, sources)
            done = {r["causation_id"] for r in rows}
            missing += [f"{event_type}->{reaction}:{e}" for e in sources if e not in done]
            checks.figures[f"reactions {event_type} -> {reaction}"] = len(done)
        checks.must_be_zero("reactions applied zero times", len(missing), missing[:20])
    finally:
        for conn in conns.values():
            await conn.close()


def expected_changes(world: World, commands: Sequence[Command],
                     payouts: Sequence[dict[str, Any]]) -> tuple[Counter[tuple[str, str]],
                                                                 Counter[tuple[str, str]]]:
    """What the client log says each savings account and stock line gained or lost."""
    savings: Counter[tuple[str, str]] = Counter()
    stock: Counter[tuple[str, str]] = Counter()
    _, facts = acknowledged_facts(commands)

    def produce(warehouse: str, body: dict[str, Any]) -> None:
        stock[(warehouse, body["product_id"])] += body["gross_qty_g"] - body.get("tare_g", 0)

    def sale(body: dict[str, Any]) -> None:
        for line in body["lines"]:
            stock[(body["warehouse_id"], line["product_id"])] -= line["qty"]

    for c in commands:
        if c.outcome != "acknowledged":
            continue
        b = c.body
        if c.kind in ("sukarela_deposit", "wajib_deposit"):
            member = c.path.split("/members/")[1].split("/")[0]
            savings[(member, c.kind.removesuffix("_deposit"))] += b["amount_idr"]
        elif c.kind == "sukarela_withdrawal":
            member = c.path.split("/members/")[1].split("/")[0]
            savings[(member, "sukarela")] -= b["amount_idr"]
        elif c.kind == "sale":
            sale(b)
        elif c.kind == "goods_receipt":
            stock[(world.shop_id, b["product_id"])] += b["qty"]
        elif c.kind == "produce_receipt":
            produce(world.warehouse_id, b)
        elif c.kind == "transfer":
            for line in b["lines"]:
                stock[(world.warehouse_id, line["product_id"])] -= line["qty"]
        elif c.kind == "transfer_receive":
            for line in b["lines"]:
                stock[(world.shop_id, line["product_id"])] += line["qty_received"]
    for item in facts.get("payments", []):
        p = item["payload"]
        if item["type"] == "savings_deposit":
            savings[(p["member_id"], p["savings_type"])] += p["amount_idr"]
    for item in facts.get("inventory", []):
        if item["type"] == "produce_receipt":
            produce(item["payload"]["warehouse_id"], item["payload"])
        elif item["type"] == "sale":
            sale(item["payload"])
    for payout in payouts:
        for deduction in payout.get("deductions", []):
            if deduction.get("type") == "simpanan_wajib":
                savings[(payout["member_id"], "wajib")] += deduction["amount_idr"]
    return savings, stock


async def payouts_since(world: World, known: set[str]) -> list[dict[str, Any]]:
    """Payouts of receipts not in ``known`` (those made before the load)."""
    headers = {"Authorization": f"Bearer {world.admin_token}"}
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.get(world.urls["payments"] + world.path("/payouts"),
                                    headers=headers, params={"limit": 100000})
        response.raise_for_status()
        return [p for p in response.json() if p["receipt_id"] not in known]


def compare(before: Snapshot, after: Snapshot, savings: Counter[tuple[str, str]],
            stock: Counter[tuple[str, str]], checks: Checks) -> None:
    wrong: list[str] = []
    for key, delta in savings.items():
        want = before.savings.get(key, 0) + delta
        got = after.savings.get(key)
        if got != want:
            wrong.append(f"savings {key}: {got} != {want}")
    for key in set(stock) | set(after.stock):
        want = before.stock.get(key, 0) + stock.get(key, 0)
        got = after.stock.get(key, 0)
        if got != want:
            wrong.append(f"stock {key}: {got} != {want}")
    checks.figures["savings accounts compared"] = len(savings)
    checks.figures["stock lines compared"] = len(set(stock) | set(after.stock))
    checks.must_be_zero("balance and stock mismatches", len(wrong), wrong[:20])


def errors_during_faults(attempts: Sequence[dict[str, Any]], faults: Sequence[Fault],
                         checks: Checks) -> list[dict[str, Any]]:
    """Per fault: the attempts between its start and its recovery, by what came back."""
    rows = []
    db_5xx = 0
    for fault in faults:
        end = fault.recovered or (fault.healed + 120)
        seen = Counter(a["result"] for a in attempts if fault.started <= a["at"] <= end)
        other_5xx = sum(n for r, n in seen.items()
                        if r.isdigit() and int(r) >= 500 and r != "503")
        if fault.kind == "pg_immediate":
            db_5xx += other_5xx
        rows.append({**fault.record(), "attempts": sum(seen.values()),
                     "503": seen.get("503", 0), "500": seen.get("500", 0),
                     "other_5xx": other_5xx, "connection": seen.get("connection", 0),
                     "timeout": seen.get("timeout", 0),
                     "409": sum(n for r, n in seen.items() if r.startswith("409"))})
    all_results = Counter(a["result"] for a in attempts)
    checks.figures["attempts"] = sum(all_results.values())
    checks.figures["attempts by result"] = dict(sorted(all_results.items()))
    checks.must_be_zero("500 answers (ever)", all_results.get("500", 0))
    checks.must_be_zero("5xx other than 503 during database outages", db_5xx)
    checks.figures["faults not recovered within 120 s"] = sum(
        1 for f in faults if f.recovered is None)
    if checks.figures["faults not recovered within 120 s"]:
        checks.failures.append("a fault was not recovered from within 120 s")
    return rows


async def check(world: World, stores: Stores, commands: Sequence[Command],
                attempts: Sequence[dict[str, Any]], faults: Sequence[Fault],
                before: Snapshot, known_payouts: set[str]) -> tuple[Checks,
                                                                    list[dict[str, Any]]]:
    checks = Checks()
    outcomes = Counter(c.outcome for c in commands)
    checks.figures["commands sent"] = len(commands)
    for outcome in ("acknowledged", "rejected", "unknown"):
        checks.figures[f"commands {outcome}"] = outcomes.get(outcome, 0)
    _, facts = acknowledged_facts(commands)
    checks.figures["offline facts acknowledged"] = sum(len(v) for v in facts.values())
    checks.figures["offline facts refused"] = dict(refused_facts(commands))
    checks.figures["rejections by code"] = dict(Counter(
        f"{c.kind}: {c.status} {c.code}" for c in commands if c.outcome == "rejected"))
    checks.figures["acknowledged by kind"] = dict(Counter(
        c.kind for c in commands if c.outcome == "acknowledged"))
    await _stores(stores, checks, commands)
    payouts = await payouts_since(world, known_payouts)
    members = {m for m, _ in before.savings} | set(world.members)
    after = await snapshot(world, members)
    savings, stock = expected_changes(world, commands, payouts)
    compare(before, after, savings, stock, checks)
    rows = errors_during_faults(attempts, faults, checks)
    await asyncio.sleep(0)
    return checks, rows
