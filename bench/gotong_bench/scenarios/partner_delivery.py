"""Scenario 11: partner delivery (issue 12). A deposit recorded → delivered to the
partner's own Kafka topic and to its webhook; the consent revoked → the last delivery;
the gateway's consumer over a backlog against a raw consumer of the same topic.

Everything a partner sees is set up through the public APIs: the federation office
registers the partner, the cooperative's admin grants it a consent for savings, the
partner creates a KAFKA and an HTTP subscription (the HTTP sink is the bench's receiver,
plain http as ``make run`` allows it). The cooperative and its members are seeded as
every scenario's are (``seed``: the members service is not part of the bench), into the
gateway's members directory through its own consumer handler. The gateway runs as
``make run`` runs it: ``python -m partners api``, ``consumer`` and ``webhooks``, with
``payments relay`` publishing the deposits.

Opt-in (``--partners``): every repetition waits until the partner received every deposit
(bounded). Before the webhooks process batched its sends it delivered about 80 events/s
per subscription and a 30 s run at 200/s drained for another 45 s; it now keeps up
(docs/performance.md).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import SecretStr

from gotong_bench.common import percentile
from gotong_bench.relay_bench import prefill
from gotong_bench.scenarios.bench import PARTNERS_PORT, Bench
from gotong_bench.scenarios.setup import _run
from gotong_bench.seed import Coop, make_population, seed_directory, seed_members
from gotong_bench.stack import ServiceProc, Worker
from gotong_platform.auth import Role
from gotong_platform.kafka import KafkaAuth, create_topics, make_consumer

SINK_PORT = 18090
SCENARIO = "11 partner delivery"
# The gateway's consumer name (``partners.__main__.CONSUMER``): its positions.
GATEWAY_CONSUMER = "partners-gateway"
CHANNELS = ("kafka", "webhook")


class _Partners:
    """The gateway's public API, as the federation office, a cooperative and a partner
    call it (every POST with its own Idempotency-Key)."""

    def __init__(self, bench: Bench, coop: Coop) -> None:
        self._bench = bench
        self._coop = coop
        self._client = httpx.AsyncClient(base_url=bench.partners_url, timeout=30.0)

    async def close(self) -> None:
        await self._client.aclose()

    async def post(self, path: str, body: dict[str, Any], token: str) -> dict[str, Any]:
        answer = await self._client.post(path, json=body, headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())})
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"POST {path}: {answer.status_code} {answer.text[:500]}")
        data: dict[str, Any] = answer.json()
        return data

    async def register(self, name: str) -> str:
        made = await self.post("/partners", {"name": name, "kind": "bank"},
                               self._bench.stack.federation_token())
        return str(made["partner_id"])

    async def grant(self, partner_id: str) -> str:
        since = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
        granted = await self.post(
            f"/cooperatives/{self._coop.cooperative_id}/consents",
            {"partner_id": partner_id, "categories": ["savings"], "from_date": since,
             "include_history": False}, self._coop.admin_token)
        return str(granted["consent_id"])

    async def revoke(self, consent_id: str) -> None:
        await self.post(f"/cooperatives/{self._coop.cooperative_id}/consents/{consent_id}"
                        "/revoke", {"reason": "bench"}, self._coop.admin_token)

    async def subscribe(self, partner_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.post("/partner/subscriptions", body,
                               self._bench.stack.partner_token(partner_id))


async def run(bench: Bench) -> None:
    s = bench.scale
    stack = bench.stack
    env = bench.partners_env()
    pop = make_population("w", 1, s.partner_members)
    coop = pop.coops[0]
    coop.clerk_token = stack.token(coop.cooperative_id)
    coop.admin_token = stack.token(coop.cooperative_id, Role.COOP_ADMIN)
    await seed_members(pop, payments_dsn=stack.dsn("payments"),
                       payments_topic=stack.topic("payments"), inventory_dsn=None)
    _run(["-m", "partners", "migrate"], env, "partners migrations")
    from partners.main import build_consumer
    from partners.settings import PartnersSettings

    gateway_settings = PartnersSettings(
        database_url=stack.dsn("partners"),
        pseudonym_key=SecretStr(env["GOTONG_PARTNERS_PSEUDONYM_KEY"]))
    await seed_directory(pop, dsn=stack.dsn("partners"),
                         handler=build_consumer(gateway_settings).handler())

    relay = stack.add_service("payments-relay-s11", ["-m", "payments", "relay"],
                              bench.payments_env())
    relay.start()
    began = time.monotonic()
    await _outbox_drained(bench, relay, limit_s=240)
    await _start_at_the_end(bench)
    bench.say(f"  relay drained the outbox in {time.monotonic() - began:.1f} s; the gateway "
              "starts at the end of the payments topic")
    api = stack.add_service("partners-api", ["-m", "partners", "api", "--port",
                                             str(PARTNERS_PORT)], env,
                            f"{bench.partners_url}/health")
    consumer = stack.add_service("partners-consumer", ["-m", "partners", "consumer"], env)
    webhooks = stack.add_service("partners-webhooks", ["-m", "partners", "webhooks"], env)
    for proc in (api, consumer, webhooks):
        proc.start()
    await asyncio.to_thread(api.wait_healthy)

    partners = _Partners(bench, coop)
    partner_topic: str | None = None
    try:
        partner = await partners.register("Bank Bench")
        consent = await partners.grant(partner)
        kafka = (await partners.subscribe(partner, {"protocol": "KAFKA"}))["kafka"]
        partner_topic = str(kafka["topic"])
        secret = (await partners.subscribe(partner, {
            "protocol": "HTTP", "sink": f"http://127.0.0.1:{SINK_PORT}/hook"}))["secret"]
        sink = await bench.worker("s11-partner-sink", "partner_sink", {
            "port": SINK_PORT, "secret": secret,
            "kafka": {**kafka, "group": f"{kafka['group_prefix']}bench"}})
        await sink.read_until("READY", 90)
        arrivals: dict[str, dict[int, float]] = {c: {} for c in CHANNELS}
        latency_runs: list[dict[str, Any]] = []
        revoke_runs: list[dict[str, Any]] = []
        for rep in range(s.reps):
            if rep:
                consent = await partners.grant(partner)
            latency_runs.append(await _latency(bench, coop, sink, arrivals, rep))
            revoke_runs.append(await _revocation(bench, coop, sink, arrivals, rep, partners,
                                                 consent))
        sink_result = await _stop_sink(sink)
        bench.details["partner_delivery"] = {"latency": latency_runs,
                                             "revocation": revoke_runs, "sink": sink_result}
        if sink_result["webhook_refused"]:
            bench.say(f"  warning: the receiver refused signatures: "
                      f"{sink_result['webhook_refused']}")
        _latency_figures(bench, latency_runs)
        _revocation_figures(bench, revoke_runs)
        for proc in (webhooks, consumer, relay):
            bench.note_rss(proc.name, proc.stop())

        # The gateway's consumer over a backlog: a partner of its own whose consent is in
        # force (pull only: no subscription pushes the backlog anywhere).
        reader = await partners.register("Bank Bench throughput")
        await partners.grant(reader)
        bench.note_rss(api.name, api.stop())
        await _throughput(bench, coop, env, reader)
    finally:
        await partners.close()
        await _delete_partner_topic(bench, partner_topic)


# --- set-up -------------------------------------------------------------------------------

async def _outbox_drained(bench: Bench, relay: ServiceProc, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    conn = await asyncpg.connect(bench.stack.dsn("payments"))
    try:
        while await conn.fetchval("SELECT count(*) FROM outbox"):
            if not relay.alive():
                raise RuntimeError(f"{relay.name} exited; see {relay.log}")
            if time.monotonic() > deadline:
                raise RuntimeError("the payments relay did not drain the outbox")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def _start_at_the_end(bench: Bench) -> None:
    """The gateway's positions on the payments topic set to its end offsets: what the
    earlier scenarios published there (hundreds of thousands of other cooperatives'
    deposits in a full run) is not this scenario's to archive."""
    stack = bench.stack
    topic = stack.topic("payments")
    await create_topics(stack.bootstrap, [topic], partitions=stack.partitions)
    consumer = make_consumer(stack.bootstrap, group_id=None, client_id="bench-partners-ends")
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic)
                                                           or [])]
        ends: dict[TopicPartition, int] = await consumer.end_offsets(parts)
    finally:
        await consumer.stop()
    conn = await asyncpg.connect(stack.dsn("partners"))
    try:
        await conn.executemany(
            "INSERT INTO consumer_positions (consumer, topic, partition, next_offset) "
            "VALUES ($1, $2, $3, $4)",
            [(GATEWAY_CONSUMER, tp.topic, tp.partition, end) for tp, end in ends.items()])
    finally:
        await conn.close()


# --- recorded → delivered -------------------------------------------------------------------

def _deposits(bench: Bench, coop: Coop, amount_base: int, duration_s: float
              ) -> dict[str, Any]:
    return {"mode": "open", "base_url": bench.payments_url, "rate": bench.scale.partner_rate,
            "duration_s": duration_s, "amount_base": amount_base,
            "targets": [{"cooperative_id": coop.cooperative_id, "member_id": m,
                         "token": coop.clerk_token} for m in coop.member_ids]}


async def _recorded(bench: Bench, coop: Coop, low: int, high: int) -> dict[int, float]:
    """amount → the deposit's ``recorded_at`` (Unix seconds), for amounts in [low, high)."""
    conn = await asyncpg.connect(bench.stack.dsn("payments"))
    try:
        rows = await conn.fetch(
            "SELECT (payload->>'amount_idr')::bigint AS amount, recorded_at FROM events "
            "WHERE cooperative_id = $1 AND event_type = 'SavingsDeposited' "
            "AND (payload->>'amount_idr')::bigint >= $2 AND (payload->>'amount_idr')::bigint < $3",
            coop.cooperative_id, low, high)
    finally:
        await conn.close()
    return {int(r["amount"]): r["recorded_at"].timestamp() for r in rows}


async def _snapshot(sink: Worker, arrivals: dict[str, dict[int, float]]) -> int:
    """The arrivals the receivers saw since the last snapshot, added; how many."""
    fresh = await sink.ask("snapshot", "SNAPSHOT ", 30)
    for channel in CHANNELS:
        arrivals[channel].update({int(a): t for a, t in fresh[channel].items()})
    return sum(len(fresh[c]) for c in CHANNELS)


async def _settle(sink: Worker, arrivals: dict[str, dict[int, float]],
                  expected: set[int] | None, limit_s: float, quiet_s: float = 2.0) -> None:
    """Until every amount in ``expected`` arrived on both channels (``None``: until
    nothing arrived for ``quiet_s``), at most ``limit_s``."""
    deadline = time.monotonic() + limit_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if await _snapshot(sink, arrivals):
            quiet_since = time.monotonic()
        if expected is not None:
            if all(expected <= arrivals[c].keys() for c in CHANNELS):
                return
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        await asyncio.sleep(0.25)


async def _latency(bench: Bench, coop: Coop, sink: Worker,
                   arrivals: dict[str, dict[int, float]], rep: int) -> dict[str, Any]:
    s = bench.scale
    base = 600_000_000 + rep * 10_000_000
    result, cpu = await bench.windowed(
        f"s11-latency-r{rep}", "loadgen", _deposits(bench, coop, base, s.partner_duration_s),
        bench.groups("payments-api", "payments-relay-s11", "partners-consumer",
                     "partners-webhooks"),
        0.0, s.partner_duration_s, rss_as="loadgen")
    bench.check_errors("partner delivery", result)
    bench.record_cpu("s11 partner delivery", cpu, s.partner_rate * s.partner_duration_s)
    recorded = await _recorded(bench, coop, base, base + 5_000_000)
    # Bounded: a gateway slower than the rate is still draining when the sending stops.
    await _settle(sink, arrivals, set(recorded), limit_s=60 + 3 * s.partner_duration_s)
    out: dict[str, Any] = {"accepted": result["accepted"], "recorded": len(recorded),
                           "achieved_rate": result["achieved_rate"]}
    last_recorded = max(recorded.values(), default=0.0)
    for channel in CHANNELS:
        got = {a: arrivals[channel][a] for a in recorded if a in arrivals[channel]}
        ms = [(got[a] - recorded[a]) * 1000 for a in got]
        first, last = min(got.values(), default=0.0), max(got.values(), default=0.0)
        out[channel] = {
            "delivered": len(ms), "never_delivered": len(recorded) - len(ms),
            "p50_ms": percentile(ms, 50) if ms else None,
            "p99_ms": percentile(ms, 99) if ms else None, "max_ms": max(ms) if ms else None,
            # How fast the deliveries came (first to last arrival), and how long after the
            # last deposit was recorded the last one arrived.
            "delivered_per_s": len(got) / (last - first) if last > first else None,
            "drained_after_s": last - last_recorded if got else None}
    k, w = out["kafka"], out["webhook"]
    bench.say(f"  rep {rep + 1}: {len(recorded)} deposits at {result['achieved_rate']:.0f}/s; "
              f"topic p50 {_ms(k['p50_ms'])}, p99 {_ms(k['p99_ms'])} ms "
              f"({k['never_delivered']} missing); webhook p50 {_ms(w['p50_ms'])}, "
              f"p99 {_ms(w['p99_ms'])} ms ({w['never_delivered']} missing)")
    return out


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


async def _revocation(bench: Bench, coop: Coop, sink: Worker,
                      arrivals: dict[str, dict[int, float]], rep: int, partners: _Partners,
                      consent: str) -> dict[str, Any]:
    """Deposits flow; the cooperative's admin revokes the consent midway. From the
    revocation's answer to the last delivery on each channel, and what was delivered of
    the deposits recorded after that answer (the gateway promises none)."""
    s = bench.scale
    base = 600_000_000 + rep * 10_000_000 + 5_000_000
    loadgen = await bench.worker(f"s11-revoke-r{rep}", "loadgen",
                                 _deposits(bench, coop, base, s.partner_revoke_run_s))
    await loadgen.read_until("READY", 120)
    await loadgen.go()
    await asyncio.sleep(s.partner_revoke_after_s)
    asked = time.time()
    await partners.revoke(consent)
    answered = time.time()
    result = await loadgen.result(limit_s=s.partner_revoke_run_s + 60)
    bench.note_rss("loadgen", loadgen.peak_rss_mb)
    bench.check_errors("partner revocation", result)
    # Whatever is still on its way arrives within the dispatcher's next passes.
    await _settle(sink, arrivals, None, limit_s=30, quiet_s=3.0)
    recorded = await _recorded(bench, coop, base, base + 5_000_000)
    out: dict[str, Any] = {"recorded": len(recorded), "revoke_answer_ms":
                           (answered - asked) * 1000}
    for channel in CHANNELS:
        got = {a: arrivals[channel][a] for a in recorded if a in arrivals[channel]}
        last = max(got.values(), default=None)
        out[channel] = {
            "delivered": len(got),
            "last_after_answer_ms": None if last is None else (last - answered) * 1000,
            "recorded_after_answer_delivered": sum(
                1 for a in got if recorded[a] > answered),
            "recorded_before_request_dropped": sum(
                1 for a, t in recorded.items() if t < asked and a not in got)}
    k, w = out["kafka"], out["webhook"]
    bench.say(f"  rep {rep + 1}: revoked after {s.partner_revoke_after_s:.0f} s "
              f"(answer in {out['revoke_answer_ms']:.0f} ms); last delivery after the answer: "
              f"topic {_ms(k['last_after_answer_ms'])} ms, webhook "
              f"{_ms(w['last_after_answer_ms'])} ms; recorded after it and delivered: "
              f"{k['recorded_after_answer_delivered']} / {w['recorded_after_answer_delivered']}")
    return out


async def _stop_sink(sink: Worker) -> dict[str, Any]:
    if sink.proc is None or sink.proc.stdin is None:
        raise RuntimeError("the partner's receivers were not started")
    sink.proc.stdin.write(b"stop\n")
    await sink.proc.stdin.drain()
    return await sink.result(limit_s=30)


def _latency_figures(bench: Bench, runs: list[dict[str, Any]]) -> None:
    s = bench.scale
    label = (f"{s.partner_rate:.0f} deposits/s of one cooperative for "
             f"{s.partner_duration_s:.0f} s")
    where = {"kafka": "the partner's Kafka topic (its own SCRAM user)",
             "webhook": "the partner's webhook (signature verified)"}
    for channel in CHANNELS:
        for q in ("p50", "p99", "max"):
            fig = bench.figure(
                key=f"s11.{channel}.{q}", scenario=SCENARIO,
                name=f"event recorded → delivered to {where[channel]}, {q}, {label}",
                unit="ms", runs=[r[channel][f"{q}_ms"] for r in runs
                                 if r[channel][f"{q}_ms"] is not None],
                target="≤ 500 ms" if q == "p99" else None, higher_is_better=False)
            if q == "p99":
                fig.met = bool(fig.median is not None and fig.median <= 500
                               and all(r[channel]["never_delivered"] == 0 for r in runs))
        bench.figure(key=f"s11.{channel}.rate", scenario=SCENARIO,
                     name=f"deliveries per second to {where[channel]} (first to last "
                          "arrival)", unit="events/s",
                     runs=[r[channel]["delivered_per_s"] for r in runs
                           if r[channel]["delivered_per_s"] is not None])
        bench.figure(key=f"s11.{channel}.missing", scenario=SCENARIO,
                     name=f"deposits never delivered to {where[channel]}", unit="events",
                     runs=[float(r[channel]["never_delivered"]) for r in runs],
                     higher_is_better=False)
    bench.figure(key="s11.rate", scenario=SCENARIO, name="rate the client sent at",
                 unit="commands/s", runs=[r["achieved_rate"] for r in runs],
                 note="the webhooks process sends a batch per subscription (Kafka: the "
                      "acknowledgements awaited together; a webhook: one request per event) "
                      "and records it in one transaction, the subscriptions concurrently; "
                      "idle, it looks again every WEBHOOK_POLL_S (0.2 s)")


def _revocation_figures(bench: Bench, runs: list[dict[str, Any]]) -> None:
    s = bench.scale
    for channel, where in (("kafka", "topic"), ("webhook", "webhook")):
        bench.figure(
            key=f"s11.revoke.{channel}", scenario=SCENARIO,
            name=f"consent revoked (the answer) → last delivery to the partner's {where}, "
                 f"{s.partner_rate:.0f} deposits/s flowing",
            unit="ms", runs=[r[channel]["last_after_answer_ms"] for r in runs
                             if r[channel]["last_after_answer_ms"] is not None],
            higher_is_better=False,
            note="negative: nothing arrived after the revocation was answered")
        fig = bench.figure(
            key=f"s11.revoke.{channel}.after", scenario=SCENARIO,
            name=f"deposits recorded after the revocation's answer and delivered to the "
                 f"{where}", unit="events",
            runs=[float(r[channel]["recorded_after_answer_delivered"]) for r in runs],
            target="0", higher_is_better=False)
        fig.met = bool(runs) and all(r[channel]["recorded_after_answer_delivered"] == 0
                                     for r in runs)


# --- the gateway's consumer against a raw one -------------------------------------------------

async def _throughput(bench: Bench, coop: Coop, env: dict[str, str], reader: str) -> None:
    s = bench.scale
    stack = bench.stack
    partner_env = {k: v for k, v in env.items() if k.startswith("GOTONG_PARTNERS_")}
    gateway_runs: list[dict[str, Any]] = []
    raw_runs: list[dict[str, Any]] = []
    # Deposits to clone, kept in the outbox (the relay has stopped): the clones carry
    # their published payload as well as the stored one.
    burst = await bench.worker("s11-templates", "loadgen",
                               _deposits(bench, coop, 590_000_000, 2.0))
    await burst.read_until("READY", 120)
    await burst.go()
    bench.check_errors("partner templates", await burst.result(limit_s=60))
    for rep in range(s.reps):
        # A topic of its own per repetition: the gateway archives each event once, so a
        # second pass over the same events would do less.
        topic = stack.topic(f"partners-backlog-r{rep}")
        filled = await _fill(bench, coop, topic)
        raw_worker = await bench.worker(f"s11-raw-r{rep}", "consume_bench", {
            "mode": "raw", "bootstrap": stack.bootstrap, "topic": topic})
        raw = await raw_worker.result(limit_s=240)
        bench.note_rss("raw-consumer", raw_worker.peak_rss_mb)
        before = await _feed_length(bench, reader)
        gateway, cpu = await _gateway(bench, topic, partner_env, f"s11-gateway-r{rep}")
        appended = await _feed_length(bench, reader) - before
        bench.record_cpu("s11 gateway consumer", cpu, gateway["events"])
        gateway["appended"] = appended
        gateway_runs.append(gateway)
        raw_runs.append(raw)
        bench.say(f"  rep {rep + 1}: {s.partner_backlog_events:,} deposits published in "
                  f"{filled:.1f} s; gateway consumer {gateway['events_per_s']:.0f} events/s "
                  f"({gateway['events']} events, {appended} appended to a partner's feed), "
                  f"raw consume {raw['events_per_s']:.0f} events/s")
    bench.details["partner_gateway"] = {"gateway": gateway_runs, "raw": raw_runs}
    bench.figure(
        key="s11.gateway", scenario=SCENARIO,
        name=f"the gateway's consumer over a backlog of {s.partner_backlog_events:,} "
             "deposits (archived, each appended to a consenting partner's feed)",
        unit="events/s", runs=[r["events_per_s"] for r in gateway_runs],
        baseline="raw aiokafka consumer reading the same topic",
        baseline_runs=[r["events_per_s"] for r in raw_runs])


async def _fill(bench: Bench, coop: Coop, topic: str) -> float:
    """The backlog: clones of the cooperative's deposits, published by the real relay."""
    s = bench.scale
    stack = bench.stack
    await prefill(stack.dsn("payments"), stack.dsn("relay"), events=s.partner_backlog_events,
                  topic=topic, cooperative_id=coop.cooperative_id)
    relay = await bench.worker("s11-fill", "relay_bench", {
        "bootstrap": stack.bootstrap, "dsn": stack.dsn("relay"),
        "events": s.partner_backlog_events, "partitions": s.partitions, "timeout_s": 300,
        "mode": "relay", "topic": topic})
    await relay.read_until("READY", 120)
    await relay.go()
    result = await relay.result(limit_s=300)
    if not result.get("complete"):
        raise RuntimeError(f"the relay published {result['events']} of "
                           f"{s.partner_backlog_events} backlog events")
    return float(result["seconds"])


async def _gateway(bench: Bench, topic: str, env: dict[str, str], name: str
                   ) -> tuple[dict[str, Any], Any]:
    from gotong_bench.procs import CpuWindow, kafka_pids, postgres_pids
    from gotong_bench.scenarios.bench import worker_pids

    worker = await bench.worker(name, "consume_bench", {"mode": "gateway", "topic": topic},
                                env=env)
    await worker.read_until("READY", 120)
    cpu = CpuWindow({"gateway-consumer": worker_pids([worker]), "postgresql": postgres_pids,
                     "kafka": kafka_pids})
    await worker.go()
    cpu.start()
    result = await worker.result(limit_s=600)
    cpu.stop()
    bench.note_rss("partners consumer (bench worker)", worker.peak_rss_mb)
    return result, cpu


async def _feed_length(bench: Bench, partner: str) -> int:
    conn = await asyncpg.connect(bench.stack.dsn("partners"))
    try:
        value = await conn.fetchval(
            "SELECT last_position FROM partner_feed_heads WHERE partner_id = $1", partner)
    finally:
        await conn.close()
    return int(value or 0)


async def _delete_partner_topic(bench: Bench, topic: str | None) -> None:
    """The partner's topic is outside the run's ``bench.<run>.`` names: deleted here
    (its SCRAM user and ACLs stay: the gateway has no way to close them yet)."""
    if topic is None:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bench.stack.bootstrap,
                                client_id="gotong-bench", **KafkaAuth.from_env().client_kwargs())
    await admin.start()
    try:
        if topic in await admin.list_topics():
            await admin.delete_topics([topic])
    finally:
        await admin.close()
