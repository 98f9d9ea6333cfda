"""The consumer's commands every service shares: ``python -m <service> consumer`` and
``python -m <service> dead-letters list|replay`` (the operator's view of dead letters).

``list`` prints one JSON object a line (consumer, ref, event, error, when), the waiting
ones by default, with ``--all`` the replayed ones too. ``replay REF...`` (or
``--all``) sends them back to their source topic, where the running consumer applies
them like a first delivery (see ``dead_letters``). The exit status is 1 when a named
ref was not waiting (unknown, or replayed already), so a script notices.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

import asyncpg
import orjson

from gotong_platform.cli import Argument, Command
from gotong_platform.consumer.dead_letters import list_dead_letters, replay_dead_letters
from gotong_platform.consumer.handlers import Handler
from gotong_platform.kafka import make_producer
from gotong_platform.outbox.process import PublisherSettings

__all__ = ["ConsumerSettings", "consumer_command", "dead_letters_command"]

S = TypeVar("S", bound=PublisherSettings)


def dead_letters_command(
    consumer: str, *, schema: Callable[[S], Awaitable[str | None]] | None = None
) -> Command[S]:
    """The ``dead-letters`` command of the service whose consumer is named ``consumer``;
    ``schema`` finds the PostgreSQL schema its tables are in (reporting's live read
    model), when it is not the default one."""

    async def run(settings: S, args: argparse.Namespace) -> int:
        server: dict[str, str] = {}
        if schema is not None and (name := await schema(settings)) is not None:
            server["search_path"] = name
        conn = await asyncpg.connect(settings.database_url, server_settings=server)
        try:
            if args.action == "list":
                for letter in await list_dead_letters(conn, consumer,
                                                      include_replayed=args.all):
                    print(orjson.dumps({
                        "consumer": letter.consumer, "ref": letter.ref,
                        "event_id": letter.event_id, "event_type": letter.event_type,
                        "error": letter.error, "dead_lettered_at": letter.dead_lettered_at,
                        "replayed_at": letter.replayed_at}).decode())
                return 0
            if not args.refs and not args.all:
                print("name the dead letters to replay (topic/partition/offset) or --all")
                return 2
            producer = make_producer(settings.kafka_bootstrap, client_id=f"{consumer}-replay",
                                     auth=settings.kafka_auth())
            await producer.start()
            try:
                replayed = await replay_dead_letters(
                    conn, producer, consumer, None if args.all else args.refs)
            finally:
                await producer.stop()
        finally:
            await conn.close()
        for ref in replayed:
            print(f"replayed {ref}")
        missing = [ref for ref in args.refs if ref not in replayed]
        for ref in missing:
            print(f"not waiting (unknown, or replayed already): {ref}")
        return 1 if missing else 0

    return Command(
        "dead-letters", "list the consumer's dead letters, or replay them", run, [
            Argument(("action",), {"choices": ["list", "replay"]}),
            Argument(("refs",), {"nargs": "*", "metavar": "REF",
                                 "help": "topic/partition/offset, as `list` shows them"}),
            Argument(("--all",), {"action": "store_true",
                                  "help": "list: the replayed ones too; replay: every "
                                          "waiting one"}),
        ])


class ConsumerSettings(PublisherSettings, Protocol):
    """What a consumer process reads from its service's settings."""

    # Read-only: each service's settings declare their own (narrower) types.
    @property
    def consumed_topics(self) -> Sequence[str]: ...
    @property
    def consumer_group(self) -> str: ...
    @property
    def consumer_metrics_port(self) -> int: ...
    @property
    def consumer_metrics_host(self) -> str: ...


C = TypeVar("C", bound=ConsumerSettings)


def consumer_command(
    service: str, consumer: str, handler: Callable[[C], Handler], help: str
) -> Command[C]:
    """``python -m <service> consumer``: migrate, then run ``consumer`` with the handler
    ``handler(settings)`` builds, on uvloop, riding out outages (``ConsumerProcess``)."""

    async def run(settings: C, args: argparse.Namespace) -> None:
        # Imported when the command runs: ``api`` and ``relay`` never load the consumer.
        from gotong_platform.consumer.process import run_consumer_process
        from gotong_platform.migrations import upgrade
        from gotong_platform.telemetry import configure_logging, configure_tracing

        configure_logging(settings.log_level)
        configure_tracing(f"{service}-consumer", otlp_endpoint=settings.otlp_endpoint)
        await upgrade(settings.database_url, settings.migrations_dir)
        await run_consumer_process(
            dsn=settings.database_url, bootstrap=settings.kafka_bootstrap,
            topics=settings.consumed_topics, group_id=settings.consumer_group,
            consumer=consumer, handler=handler(settings),
            partitions=settings.topic_partitions, metrics_port=settings.consumer_metrics_port,
            metrics_host=settings.consumer_metrics_host, auth=settings.kafka_auth())

    return Command("consumer", help, run, on_uvloop=True)
