"""Lost races are decided again, and dead letters are kept, listed and replayed
(real Kafka and PostgreSQL)."""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from types import SimpleNamespace
from typing import Any

import asyncpg
import orjson
import pytest

from gotong_platform.consumer import ConsumedEvent, ConsumerRunner, RunnerConfig
from gotong_platform.consumer.dead_letters import list_dead_letters, replay_dead_letters
from gotong_platform.consumer.operator import dead_letters_command
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.kafka import make_consumer, make_producer

from .test_consumer_runner import Env, an_envelope, counting_handler, drain
from .test_consumer_runner import env as env  # the fixture, shared

pytestmark = pytest.mark.integration


@dataclasses.dataclass
class LosesRaces:
    """Loses ``losses`` races on each event before it applies it, as a payout does when
    clerks keep depositing into the member's wajib stream."""

    losses: int
    tries: Counter[str] = dataclasses.field(default_factory=Counter)

    async def __call__(self, conn: asyncpg.Connection, event: ConsumedEvent) -> None:
        key = str(event.envelope.event_id)
        self.tries[key] += 1
        # Write first, as the reaction does, so a lost race must leave nothing behind.
        await counting_handler(conn, event)
        if self.tries[key] <= self.losses:
            raise ConcurrencyConflict(f"{event.envelope.stream_id} was changed by someone else")


def a_runner(env: Env, handler: Any, **config: Any) -> ConsumerRunner:
    return ConsumerRunner(
        pool=env.pool, consumer=make_consumer(env.bootstrap, group_id=None, client_id="racer"),
        dlq_producer=make_producer(env.bootstrap, client_id="racer-dlq"), handler=handler,
        config=RunnerConfig(consumer="racer", topics=(env.topic,), group_id=None,
                            max_attempts=3, retry_backoff_s=0.001, **config))


async def run_to(runner: ConsumerRunner, offsets: int) -> None:
    await runner.start()
    try:
        await drain(runner, offsets)
    finally:
        await runner.close()


async def test_an_event_that_loses_more_races_than_max_attempts_is_applied_once(
    env: Env
) -> None:
    for v in range(1, 4):
        await env.send(an_envelope("s-race", v), {"n": 1})
    handler = LosesRaces(losses=5)  # more than max_attempts (3): once dead-lettered
    runner = a_runner(env, handler)
    await run_to(runner, 3)
    assert runner.dead_lettered == 0
    assert await env.counts() == {"s-race": 3}  # the lost tries left nothing
    assert all(tries == 6 for tries in handler.tries.values())


async def test_a_race_lost_every_time_is_dead_lettered_in_the_end(env: Env) -> None:
    await env.send(an_envelope("s-stuck", 1), {"n": 1})
    runner = a_runner(env, LosesRaces(losses=1_000), max_conflict_attempts=4)
    await run_to(runner, 1)
    assert runner.dead_lettered == 1
    async with env.pool.acquire() as conn:
        [letter] = await list_dead_letters(conn, "racer")
    assert "ConcurrencyConflict" in letter.error


async def test_a_dead_letter_is_listed_and_replayed_to_be_applied_once(env: Env) -> None:
    broken = {"on": True}

    async def handler(conn: asyncpg.Connection, event: ConsumedEvent) -> None:
        if broken["on"] and event.envelope.stream_version == 2:
            raise ValueError("the handler has a bug for this event")
        await counting_handler(conn, event)

    poison = an_envelope("s-dl", 2)
    for e in (an_envelope("s-dl", 1), poison, an_envelope("s-dl", 3)):
        await env.send(e, {"n": 1})
    first = a_runner(env, handler)
    await run_to(first, 3)
    assert first.dead_lettered == 1
    assert await env.counts() == {"s-dl": 2}

    async with env.pool.acquire() as conn:
        [letter] = await list_dead_letters(conn, "racer")
        assert letter.event_id == str(poison.event_id)
        assert letter.event_type == poison.ce_type
        assert "has a bug" in letter.error
        assert letter.replayed_at is None
        assert await list_dead_letters(conn, "another-consumer") == []

    broken["on"] = False  # the fix is deployed; the operator replays
    producer = make_producer(env.bootstrap, client_id="replayer")
    await producer.start()
    try:
        async with env.pool.acquire() as conn:
            assert await replay_dead_letters(conn, producer, "racer", [letter.ref]) == [
                letter.ref]
            # a second replay of the same ref finds nothing waiting: nothing is sent twice
            assert await replay_dead_letters(conn, producer, "racer", [letter.ref]) == []
    finally:
        await producer.stop()

    second = a_runner(env, handler)
    await run_to(second, 4)  # the replayed record sits at offset 3
    assert second.dead_lettered == 0
    assert await env.counts() == {"s-dl": 3}  # applied once, and only the replayed one
    async with env.pool.acquire() as conn:
        assert await list_dead_letters(conn, "racer") == []
        [done] = await list_dead_letters(conn, "racer", include_replayed=True)
    assert done.replayed_at is not None

    # a redelivery of the replayed event changes nothing: its id is claimed again
    await env.send(poison, {"n": 1})
    third = a_runner(env, handler)
    await run_to(third, 5)
    assert await env.counts() == {"s-dl": 3}


async def test_the_operator_command_lists_and_replays_by_ref(
    env: Env, capsys: pytest.CaptureFixture[str],
) -> None:
    await env.send(an_envelope("s-op", 1), {"n": 1, "explode": True})
    runner = a_runner(env, counting_handler)
    await run_to(runner, 1)
    dsn = env.pool._connect_args[0]  # the test database the pool writes
    settings = SimpleNamespace(database_url=dsn, kafka_bootstrap=env.bootstrap,
                               kafka_auth=lambda: None)
    command = dead_letters_command("racer")

    def args(action: str, *refs: str, all_: bool = False) -> argparse.Namespace:
        return argparse.Namespace(action=action, refs=list(refs), all=all_)

    assert await command.run(settings, args("list")) == 0  # type: ignore[arg-type]
    [line] = capsys.readouterr().out.splitlines()
    listed = orjson.loads(line)
    assert listed["consumer"] == "racer"
    assert "cannot be applied" in listed["error"]
    assert await command.run(settings, args("replay")) == 2  # type: ignore[arg-type]
    capsys.readouterr()
    assert await command.run(settings, args("replay", listed["ref"], "nope/0/0")) == 1  # type: ignore[arg-type]
    assert capsys.readouterr().out.splitlines() == [
        f"replayed {listed['ref']}", "not waiting (unknown, or replayed already): nope/0/0"]
    assert await command.run(settings, args("list")) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out == ""
