"""One command line for every service: ``python -m <service> <command>``.

Every service has ``api`` (serve its HTTP API with uvicorn), ``relay`` (publish its
outbox to Kafka), ``migrate`` (apply its migrations and exit) and ``republish`` (send
its event store's events to Kafka again, ``outbox.republish``); a service adds its own
(``consumer``, ``rebuild-*``) as ``Command``s. Settings are built from the
environment when a command runs, never at import. A command's coroutine runs with
``asyncio.run``, or on uvloop with the collector tuned (``on_uvloop``: the consumers).

A one-shot command (``migrate``, ``republish``, ``dead-letters``, ``rebuild-*``) that
cannot reach its database ends with one line saying so and exit status 2, not a
traceback: the operator running it needs the database's address and the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from gotong_platform.outages import database_unavailable
from gotong_platform.outbox.process import PublisherSettings

__all__ = ["Argument", "Command", "run_service_cli"]

# What the built-in commands read: every service's settings (``ServiceSettings``) have it.
S = TypeVar("S", bound=PublisherSettings)


@dataclasses.dataclass(frozen=True, slots=True)
class Argument:
    """One ``add_argument`` call: its flags or name, and its keyword options."""

    names: tuple[str, ...]
    options: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class Command(Generic[S]):
    """A service's own command: ``run(settings, args)`` is awaited; an int it returns
    is the process's exit status."""

    name: str
    help: str
    run: Callable[[S, argparse.Namespace], Coroutine[Any, Any, int | None]]
    arguments: Sequence[Argument] = ()
    on_uvloop: bool = False


def run_service_cli(
    *, service: str, port: int, settings: Callable[[], S], commands: Sequence[Command[S]] = (),
    argv: Sequence[str] | None = None, relay_help: str = "publish the outbox to Kafka",
) -> int:
    """Parse ``argv`` (the process's by default) and run the command; the exit status."""
    parser = argparse.ArgumentParser(prog=f"python -m {service}")
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=port)
    api.add_argument("--workers", type=int, default=1,
                     help="uvicorn worker processes (one per core on a host of its own)")
    sub.add_parser("relay", help=relay_help)
    sub.add_parser("migrate", help="apply database migrations and exit")
    republish = sub.add_parser(
        "republish", help="publish the event store's events to Kafka again, as the relay did "
                          "(the relay must be stopped)")
    republish.add_argument("--from-position", type=_position, required=True, metavar="N",
                           help="the first event store position to send")
    republish.add_argument("--to-position", type=_position, default=None, metavar="M",
                           help="the last position to send (default: the newest)")
    republish.add_argument("--dry-run", action="store_true",
                           help="count what would be sent; send nothing")
    republish.add_argument("--batch-size", type=_position, default=500,
                           help="events per acknowledged batch")
    own = {c.name: c for c in commands}
    for command in commands:
        p = sub.add_parser(command.name, help=command.help)
        for argument in command.arguments:
            p.add_argument(*argument.names, **argument.options)
    args = parser.parse_args(argv)
    if args.command == "api":
        from gotong_platform.http.serve import serve_api

        serve_api(f"{service}.main:app_from_environment", host=args.host, port=args.port,
                  workers=args.workers)
        return 0
    values = settings()  # from the environment
    if args.command == "relay":
        from gotong_platform.outbox.process import run_relay_process

        asyncio.run(run_relay_process(service, values))
        return 0
    if args.command == "migrate":
        from gotong_platform.migrations import upgrade

        return _one_shot(upgrade(values.database_url, values.migrations_dir), service,
                         values.database_url)
    if args.command == "republish":
        from gotong_platform.outbox.process import run_republish

        if args.to_position is not None and args.to_position < args.from_position:
            parser.error("--to-position must not be before --from-position")
        return _one_shot(run_republish(
            service, values, from_position=args.from_position, to_position=args.to_position,
            dry_run=args.dry_run, batch_size=max(args.batch_size, 1)), service,
            values.database_url)
    command = own[args.command]
    if command.on_uvloop:
        from gotong_platform.consumer.process import run

        status = run(command.run(values, args))
        return status or 0
    return _one_shot(command.run(values, args), service, values.database_url)


def _position(text: str) -> int:
    """An event store position (or a count): a whole number, not negative."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a position: {text}")
    return value


def _one_shot(work: Coroutine[Any, Any, int | None], service: str, database_url: str) -> int:
    try:
        return asyncio.run(work) or 0
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        where = urlsplit(database_url)  # host, port and database: never the password
        print(f"{service}: cannot reach the database {where.hostname}:{where.port or 5432}"
              f"{where.path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
