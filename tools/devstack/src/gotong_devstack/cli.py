"""`gotong-stack`: start, stop and inspect the local stack.

Exit codes: 0 success (for `status`: everything up), 1 something failed or is down,
2 a missing prerequisite or a bad setting (the message says what to install or set).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import sys
from collections.abc import Callable, Sequence

from gotong_devstack import stack
from gotong_devstack.errors import StackError
from gotong_devstack.settings import Settings, kafka_node_count, load_settings


def _say(message: str) -> None:
    # Flushed per line so progress shows up promptly when piped (make, CI logs).
    print(message, flush=True)


def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    result, elapsed = stack.timed_up(settings, _say)
    _say(f"stack up in {elapsed:.2f}s")
    _say(f"  GOTONG_PG_ADMIN_DSN={result.pg_admin_dsn}")
    _say(f"  GOTONG_KAFKA_BOOTSTRAP={result.kafka_bootstrap}")
    return 0


def cmd_down(settings: Settings, args: argparse.Namespace) -> int:
    stack.down(settings, _say)
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    components = stack.status(settings)
    for c in components:
        state = "running" if c.running else "stopped"
        fields = [f"{c.name:<10}", f"{state:<7}"]
        fields += [f"pid={c.pid}"] if c.pid else []
        fields += [f"port={c.port}"] if c.port else []
        fields += [f"version={c.version}"] if c.version else []
        _say("  ".join([*fields, c.detail]))
    return 0 if all(c.running for c in components) else 1


def cmd_env(settings: Settings, args: argparse.Namespace) -> int:
    # For `eval "$(gotong-stack env)"`: values are shell-quoted.
    _say(f"export GOTONG_PG_ADMIN_DSN={shlex.quote(settings.pg_admin_dsn)}")
    _say(f"export GOTONG_KAFKA_BOOTSTRAP={shlex.quote(settings.kafka_bootstrap)}")
    for name, value in stack.kafka_client_auth(settings).env().items():
        _say(f"export {name}={shlex.quote(value)}")
    if not settings.kafka_bootstrap_given and settings.kafka_nodes != 1:
        # So that `make up` and the tests of this shell keep the cluster.
        _say(f"export GOTONG_KAFKA_NODES={settings.kafka_nodes}")
    return 0


def cmd_kafka_start(settings: Settings, args: argparse.Namespace) -> int:
    stack.kafka_start(settings, _say, args.node)
    return 0


def cmd_kafka_stop(settings: Settings, args: argparse.Namespace) -> int:
    stack.kafka_stop(settings, _say, args.node, kill=args.kill)
    return 0


COMMANDS: dict[str, tuple[Callable[[Settings, argparse.Namespace], int], str]] = {
    "up": (cmd_up, "start PostgreSQL and Kafka if they are not running"),
    "down": (cmd_down, "stop the local PostgreSQL and Kafka"),
    "status": (cmd_status, "show each component; exit 0 only if all are up"),
    "env": (cmd_env, "print shell export lines for the resolved settings"),
    "kafka-start": (cmd_kafka_start, "start only the local Kafka (its nodes, or --node N)"),
    "kafka-stop": (cmd_kafka_stop,
                   "stop only the local Kafka (its nodes, or --node N; --kill: SIGKILL)"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gotong-stack",
        description="Project-local PostgreSQL and Kafka for development, tests and CI.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument(
            "--kafka-nodes", type=int, choices=(1, 3), default=None,
            help="a local Kafka of 1 node (the default) or a cluster of 3 "
                 "(default: GOTONG_KAFKA_NODES, else 1)")
        if name.startswith("kafka-"):
            command.add_argument("--node", type=int, action="append", default=None,
                                 help="only this node (1-based; repeat for more)")
        if name == "kafka-stop":
            command.add_argument("--kill", action="store_true",
                                 help="SIGKILL, no controlled shutdown (a crash)")
    args = parser.parse_args(argv)
    handler = COMMANDS[args.command][0]
    try:
        settings = load_settings()
        if args.kafka_nodes is not None:
            settings = dataclasses.replace(settings,
                                           kafka_nodes=kafka_node_count(args.kafka_nodes))
        elif args.command != "up" and not os.environ.get("GOTONG_KAFKA_NODES"):
            # Nodes not named: everything but `up` acts on the layout that runs, so after
            # `up --kafka-nodes 3`, `status`, `env` and `kafka-stop` find the three nodes.
            settings = stack.running_layout(settings)
        return handler(settings, args)
    except StackError as exc:
        print(f"gotong-stack {args.command}: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
