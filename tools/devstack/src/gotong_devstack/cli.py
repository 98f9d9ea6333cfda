"""`gotong-stack`: start, stop and inspect the local stack.

Exit codes: 0 success (for `status`: everything up), 1 something failed or is down,
2 a missing prerequisite or a bad setting (the message says what to install or set).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence

from gotong_devstack import stack
from gotong_devstack.errors import StackError
from gotong_devstack.settings import Settings, load_settings


def _say(message: str) -> None:
    # Flushed per line so progress shows up promptly when piped (make, CI logs).
    print(message, flush=True)


def cmd_up(settings: Settings) -> int:
    result, elapsed = stack.timed_up(settings, _say)
    _say(f"stack up in {elapsed:.2f}s")
    _say(f"  GOTONG_PG_ADMIN_DSN={result.pg_admin_dsn}")
    _say(f"  GOTONG_KAFKA_BOOTSTRAP={result.kafka_bootstrap}")
    return 0


def cmd_down(settings: Settings) -> int:
    stack.down(settings, _say)
    return 0


def cmd_status(settings: Settings) -> int:
    components = stack.status(settings)
    for c in components:
        state = "running" if c.running else "stopped"
        fields = [f"{c.name:<10}", f"{state:<7}"]
        fields += [f"pid={c.pid}"] if c.pid else []
        fields += [f"port={c.port}"] if c.port else []
        fields += [f"version={c.version}"] if c.version else []
        _say("  ".join([*fields, c.detail]))
    return 0 if all(c.running for c in components) else 1


def cmd_env(settings: Settings) -> int:
    # For `eval "$(gotong-stack env)"`: values are shell-quoted.
    _say(f"export GOTONG_PG_ADMIN_DSN={shlex.quote(settings.pg_admin_dsn)}")
    _say(f"export GOTONG_KAFKA_BOOTSTRAP={shlex.quote(settings.kafka_bootstrap)}")
    for name, value in stack.kafka_client_auth(settings).env().items():
        _say(f"export {name}={shlex.quote(value)}")
    return 0


def cmd_kafka_start(settings: Settings) -> int:
    stack.kafka_start(settings, _say)
    return 0


def cmd_kafka_stop(settings: Settings) -> int:
    stack.kafka_stop(settings, _say)
    return 0


COMMANDS: dict[str, tuple[Callable[[Settings], int], str]] = {
    "up": (cmd_up, "start PostgreSQL and Kafka if they are not running"),
    "down": (cmd_down, "stop the local PostgreSQL and Kafka"),
    "status": (cmd_status, "show each component; exit 0 only if all are up"),
    "env": (cmd_env, "print shell export lines for the resolved settings"),
    "kafka-start": (cmd_kafka_start, "start only the local Kafka broker"),
    "kafka-stop": (cmd_kafka_stop, "stop only the local Kafka broker (fault tests)"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gotong-stack",
        description="Project-local PostgreSQL and Kafka for development, tests and CI.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        commands.add_parser(name, help=help_text, description=help_text)
    args = parser.parse_args(argv)
    handler = COMMANDS[args.command][0]
    try:
        return handler(load_settings())
    except StackError as exc:
        print(f"gotong-stack {args.command}: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
