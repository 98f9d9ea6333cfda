"""A partner's two receivers in one process: ``python -m gotong_bench.partner_sink spec.json``.

* A webhook receiver (uvicorn, a bare ASGI callable, on ``port``): every request is
  verified with the ``standardwebhooks`` library and the HTTP subscription's secret, as a
  partner's receiver would; a bad signature is answered 400 and counted, never recorded.
* A Kafka consumer logged in as the partner (its own SCRAM user and password, a group
  with its prefix), reading its topic ``gotong.partner.<id>.events`` from the start.

Each receiver records when a savings movement first arrived (``time.time()``, this host's
clock, as the events' ``recorded_at`` is), keyed by its amount: the bench gives every
deposit a unique amount, so the amount names the command. Redeliveries (at least once)
are counted apart. It prints READY once both listen (the consumer has its partitions),
then answers lines on stdin: ``snapshot`` prints ``SNAPSHOT {json}`` with the arrivals
since the last snapshot, ``stop`` prints the RESULT (the totals) and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
import uvicorn
from aiokafka import AIOKafkaConsumer
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from gotong_bench.common import load_spec, print_result

__all__ = ["main"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _Arrivals:
    """First arrival per amount of one channel, and what came again."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.fresh: dict[int, float] = {}  # since the last snapshot
        self.ids: set[str] = set()
        self.redelivered = 0
        self.other = 0  # events that are not sukarela deposits (the seed's, say)

    def record(self, event_id: str, data: dict[str, Any], at: float) -> None:
        if event_id in self.ids:
            self.redelivered += 1
            return
        self.ids.add(event_id)
        if data.get("savings_type") != "sukarela" or data.get("movement") != "deposit":
            self.other += 1
            return
        amount = int(data["amount_idr"])
        if amount not in self.first:
            self.first[amount] = at
            self.fresh[amount] = at

    def take(self) -> dict[str, float]:
        fresh, self.fresh = self.fresh, {}
        return {str(a): t for a, t in fresh.items()}


class _Receiver:
    """The ASGI callable: POST with a valid Standard Webhooks signature → 204."""

    def __init__(self, secret: str, arrivals: _Arrivals) -> None:
        self._webhook = Webhook(secret)
        self._arrivals = arrivals
        self.requests = 0
        self.refused: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        at = time.time()
        self.requests += 1
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        status = 204
        try:
            event = self._webhook.verify(body, headers)
        except WebhookVerificationError as exc:
            self.refused[str(exc)[:80]] += 1
            status = 400
        else:
            self._arrivals.record(headers["webhook-id"], event["data"], at)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


async def _consume(consumer: AIOKafkaConsumer, arrivals: _Arrivals) -> None:
    while True:
        batches = await consumer.getmany(timeout_ms=500)
        at = time.time()
        for records in batches.values():
            for record in records:
                ce_id = dict(record.headers).get("ce_id", b"").decode()
                arrivals.record(ce_id, orjson.loads(record.value or b"{}"), at)


async def _run(spec: dict[str, Any]) -> dict[str, Any]:
    hooks, kafka = _Arrivals(), _Arrivals()
    receiver = _Receiver(spec["secret"], hooks)
    server = uvicorn.Server(uvicorn.Config(
        receiver, host="127.0.0.1", port=int(spec["port"]), lifespan="off",
        access_log=False, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    access = spec["kafka"]
    consumer = AIOKafkaConsumer(
        access["topic"], bootstrap_servers=access["bootstrap"], group_id=access["group"],
        client_id="bench-partner", enable_auto_commit=True, auto_offset_reset="earliest",
        security_protocol=access["security_protocol"], sasl_mechanism=access["sasl_mechanism"],
        sasl_plain_username=access["username"], sasl_plain_password=access["password"])
    await consumer.start()
    try:
        async with asyncio.timeout(60):
            while not consumer.assignment() or not server.started:
                if serving.done():
                    await serving  # raises why the receiver did not start
                await asyncio.sleep(0.1)  # the group is joined in the background
        reading = asyncio.create_task(_consume(consumer, kafka))
        print("READY", flush=True)
        while True:
            line = (await asyncio.to_thread(sys.stdin.readline)).strip()
            if line == "snapshot":
                print("SNAPSHOT " + json.dumps({"kafka": kafka.take(), "webhook": hooks.take()}),
                      flush=True)
            elif line in ("stop", ""):
                break
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
    finally:
        await consumer.stop()
        server.should_exit = True
        await serving
    return {"webhook_requests": receiver.requests, "webhook_refused": dict(receiver.refused),
            "webhook_events": len(hooks.first), "webhook_redelivered": hooks.redelivered,
            "webhook_other": hooks.other, "kafka_events": len(kafka.first),
            "kafka_redelivered": kafka.redelivered, "kafka_other": kafka.other}


def main() -> None:
    spec = load_spec()
    cpu0 = time.process_time()
    result = asyncio.run(_run(spec))
    result["worker_cpu_s"] = time.process_time() - cpu0
    print_result(result)


if __name__ == "__main__":
    main()
