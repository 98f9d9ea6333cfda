"""The one command line of every service: built-in commands, a service's own, exit status."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gotong_platform.cli import Argument, Command, run_service_cli
from gotong_platform.kafka import KafkaAuth

pytestmark = pytest.mark.unit


@dataclass
class FakeSettings:
    database_url: str = "postgresql://nowhere/x"
    migrations_dir: Path = Path("migrations")
    kafka_bootstrap: str = "127.0.0.1:1"
    topic: str = "t"
    topic_partitions: int = 1
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    relay_metrics_host: str = "127.0.0.1"
    relay_metrics_port: int | None = None
    seen: list[tuple[str, list[str]]] = field(default_factory=list)

    def kafka_auth(self) -> KafkaAuth:
        return KafkaAuth()


def test_a_services_own_command_gets_the_settings_and_its_arguments() -> None:
    settings = FakeSettings()

    async def rebuild(s: FakeSettings, args: argparse.Namespace) -> int:
        s.seen.append(("rebuild", args.ids))
        return 3 if args.ids == ["bad"] else 0

    commands = [Command("rebuild", "rebuild things", rebuild,
                        [Argument(("ids",), {"nargs": "*"})])]
    assert run_service_cli(service="svc", port=1, settings=lambda: settings,
                           commands=commands, argv=["rebuild", "a", "b"]) == 0
    assert run_service_cli(service="svc", port=1, settings=lambda: settings,
                           commands=commands, argv=["rebuild", "bad"]) == 3
    assert settings.seen == [("rebuild", ["a", "b"]), ("rebuild", ["bad"])]


def test_every_service_has_api_relay_migrate_republish_and_refuses_the_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        run_service_cli(service="svc", port=1, settings=FakeSettings, argv=["--help"])
    listed = capsys.readouterr().out
    assert "{api,relay,migrate,republish}" in listed
    with pytest.raises(SystemExit) as refused:
        run_service_cli(service="svc", port=1, settings=FakeSettings, argv=["explode"])
    assert refused.value.code == 2


def test_a_one_shot_command_without_its_database_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncpg

    settings = FakeSettings(database_url="postgresql://clerk:s3cret@127.0.0.1:1/gotong_x")

    async def listing(s: FakeSettings, args: argparse.Namespace) -> int:
        await asyncpg.connect(s.database_url, timeout=5)  # nothing listens on port 1
        return 0

    async def broken(s: FakeSettings, args: argparse.Namespace) -> int:
        raise ValueError("a fault of ours")

    commands = [Command("dead-letters", "list", listing), Command("broken", "fails", broken)]
    status = run_service_cli(service="svc", port=1, settings=lambda: settings,
                             commands=commands, argv=["dead-letters"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("svc: cannot reach the database 127.0.0.1:1/gotong_x: ")
    assert len(err.strip().splitlines()) == 1
    assert "s3cret" not in err
    with pytest.raises(ValueError, match="a fault of ours"):  # a fault keeps its traceback
        run_service_cli(service="svc", port=1, settings=lambda: settings,
                        commands=commands, argv=["broken"])


@pytest.mark.parametrize("argv", [
    ["republish"],  # no first position
    ["republish", "--from-position", "-1"],
    ["republish", "--from-position", "five"],
    ["republish", "--from-position", "10", "--to-position", "9"],
])
def test_republish_refuses_a_range_it_cannot_mean_before_touching_anything(
    argv: list[str], capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as refused:  # before any database or broker is asked
        run_service_cli(service="svc", port=1, settings=FakeSettings, argv=argv)
    assert refused.value.code == 2
    assert "republish" in capsys.readouterr().err
