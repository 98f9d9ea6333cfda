"""Pure parts of the stack manager: settings, parsing, generated files. No processes started."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from gotong_devstack import cli
from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.java import java_major
from gotong_devstack.kafka import LocalBroker, LocalKafka, new_cluster_id
from gotong_devstack.kafka_libs import is_warm, pom_path
from gotong_devstack.postgres import redact
from gotong_devstack.proc import split_host_port
from gotong_devstack.run import Paths, demo_day
from gotong_devstack.settings import (
    KAFKA_VERSION,
    find_repo_root,
    kafka_node_count,
    load_settings,
)

pytestmark = pytest.mark.unit


def test_repo_root_is_the_uv_workspace(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["a"]\n')
    member = tmp_path / "a" / "b"
    member.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "a"\n')
    assert find_repo_root(member) == tmp_path


def test_settings_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOTONG_STACK_DIR", str(tmp_path / "stack"))
    monkeypatch.setenv("GOTONG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GOTONG_PG_PORT", "55999")
    monkeypatch.delenv("GOTONG_PG_ADMIN_DSN", raising=False)
    monkeypatch.delenv("GOTONG_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.delenv("GOTONG_KAFKA_VERSION", raising=False)
    _default_kafka_ports(monkeypatch)
    settings = load_settings()
    assert settings.pg_dir == tmp_path / "stack" / "pg"
    assert settings.pg_admin_dsn == "postgresql://postgres@127.0.0.1:55999/postgres"
    assert settings.kafka_bootstrap == "127.0.0.1:59092"
    assert settings.kafka_version == KAFKA_VERSION


def _default_kafka_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults, whatever ports (or nodes) the shell gives a second stack."""
    monkeypatch.delenv("GOTONG_KAFKA_NODES", raising=False)
    monkeypatch.delenv("GOTONG_KAFKA_PORT", raising=False)
    monkeypatch.delenv("GOTONG_KAFKA_CONTROLLER_PORT", raising=False)


def test_bad_port_setting_is_a_prerequisite_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOTONG_PG_PORT", "http")
    with pytest.raises(PrerequisiteError, match="GOTONG_PG_PORT"):
        load_settings()


def test_env_prints_given_values(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOTONG_PG_ADMIN_DSN", "postgresql://app:p w@db:5432/postgres")
    monkeypatch.setenv("GOTONG_KAFKA_BOOTSTRAP", "k1:9092,k2:9092")
    for name in ("SECURITY_PROTOCOL", "SASL_MECHANISM", "SASL_USERNAME", "SASL_PASSWORD"):
        monkeypatch.delenv(f"GOTONG_KAFKA_{name}", raising=False)
    assert cli.main(["env"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "export GOTONG_PG_ADMIN_DSN='postgresql://app:p w@db:5432/postgres'",
        "export GOTONG_KAFKA_BOOTSTRAP=k1:9092,k2:9092",
        "export GOTONG_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT",
        "export GOTONG_KAFKA_SASL_MECHANISM=SCRAM-SHA-512",
        "export GOTONG_KAFKA_SASL_USERNAME=gotong",
        "export GOTONG_KAFKA_SASL_PASSWORD=gotong-dev-secret",
    ]


def test_a_given_plaintext_broker_gets_no_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOTONG_KAFKA_BOOTSTRAP", "k1:9092")
    monkeypatch.setenv("GOTONG_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    assert cli.main(["env"]) == 0
    assert capsys.readouterr().out.splitlines()[2:] == [
        "export GOTONG_KAFKA_SECURITY_PROTOCOL=PLAINTEXT"]


def test_a_password_that_would_break_the_broker_config_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOTONG_KAFKA_SASL_PASSWORD", 'a"; user_x="y')
    with pytest.raises(PrerequisiteError, match="GOTONG_KAFKA_SASL_PASSWORD"):
        load_settings()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:59092", ("127.0.0.1", 59092)),
        ("broker", ("broker", 9092)),
        ("[::1]:9093", ("::1", 9093)),
    ],
)
def test_split_host_port(address: str, expected: tuple[str, int]) -> None:
    assert split_host_port(address, 9092) == expected


def test_cluster_id_is_a_kafka_uuid() -> None:
    for _ in range(200):
        cluster_id = new_cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_redact_hides_passwords() -> None:
    assert redact("postgresql://app:s3cret@db/x") == "postgresql://app:***@db/x"
    assert redact("postgresql://postgres@127.0.0.1:55432/postgres").endswith("/postgres")


def test_java_version_parsing(tmp_path: Path) -> None:
    for banner, major in [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_392"', 8),
    ]:
        fake = tmp_path / "java"
        fake.write_text(f"#!/bin/sh\necho '{banner}' >&2\n")
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
        assert java_major(str(fake)) == major


def test_server_properties_single_node_kraft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOTONG_STACK_DIR", str(tmp_path))
    _default_kafka_ports(monkeypatch)
    text = LocalBroker(load_settings())._server_properties()
    props = dict(line.split("=", 1) for line in text.splitlines() if not line.startswith("#"))
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.bootstrap.servers"] == "127.0.0.1:59093"
    assert props["log.dirs"] == str(tmp_path / "kafka" / "data")
    assert props["auto.create.topics.enable"] == "false"
    assert props["log.retention.ms"] == "-1"


def fake_java(tmp_path: Path) -> str:
    """A `java` whose StorageTool "format" writes meta.properties into log.dirs, as the real
    one does, so the broker's formatting can be tested without a JVM."""
    script = tmp_path / "java"
    script.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "-c" ]; do shift; done\n'
        "dir=$(sed -n 's/^log.dirs=//p' \"$2\")\n"
        'mkdir -p "$dir" && echo "version=1" > "$dir/meta.properties"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def formatted_broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> LocalBroker:
    monkeypatch.setenv("GOTONG_STACK_DIR", str(tmp_path / "stack"))
    monkeypatch.setenv("GOTONG_KAFKA_VERSION", version)
    broker = LocalBroker(load_settings())
    broker.root.mkdir(parents=True)
    broker.config.write_text(broker._server_properties())
    broker._ensure_formatted(fake_java(tmp_path), tmp_path / "libs", lambda line: None)
    return broker


def test_a_changed_kafka_version_gets_a_fresh_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older release cannot read a newer metadata log: moving the pin (4.4.0 down to 4.3.1)
    must not start the new broker on the old data."""
    old = formatted_broker(tmp_path, monkeypatch, "4.4.0")
    (old.data_dir / "gotong.members.events-0").mkdir()
    monkeypatch.setenv("GOTONG_KAFKA_VERSION", "4.3.1")
    new = LocalBroker(load_settings())
    lines: list[str] = []
    new._ensure_formatted(fake_java(tmp_path), tmp_path / "libs", lines.append)
    assert not (new.data_dir / "gotong.members.events-0").exists()
    assert (new.data_dir / "meta.properties").is_file()
    assert new.running_version() == "4.3.1"
    assert any("version changed (4.4.0 -> 4.3.1)" in line for line in lines)


def test_the_same_kafka_version_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = formatted_broker(tmp_path, monkeypatch, KAFKA_VERSION)
    (broker.data_dir / "gotong.members.events-0").mkdir()
    broker._ensure_formatted(fake_java(tmp_path), tmp_path / "libs", lambda line: None)
    assert (broker.data_dir / "gotong.members.events-0").is_dir()


def test_the_broker_authenticates_and_authorizes_every_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One client listener, SASL/SCRAM only; ACLs decide, and no ACL means no access; the
    internal user is the only super user (a partner's user is not)."""
    monkeypatch.setenv("GOTONG_STACK_DIR", str(tmp_path))
    monkeypatch.delenv("GOTONG_KAFKA_SASL_USERNAME", raising=False)
    _default_kafka_ports(monkeypatch)
    text = LocalBroker(load_settings())._server_properties()
    props = dict(line.split("=", 1) for line in text.splitlines() if not line.startswith("#"))
    assert props["listeners"] == "CLIENT://127.0.0.1:59092,CONTROLLER://127.0.0.1:59093"
    assert props["listener.security.protocol.map"] == (
        "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT")
    assert props["listener.name.client.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert "PLAINTEXT://" not in text
    assert props["authorizer.class.name"] == (
        "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:gotong"


def test_a_data_dir_formatted_without_the_user_is_formatted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SCRAM users can only be written at format time here: a data dir of an older stack
    (no users file) or of other credentials does not count as formatted."""
    monkeypatch.setenv("GOTONG_STACK_DIR", str(tmp_path))
    broker = LocalBroker(load_settings())
    assert broker.format_reason() == "not formatted"
    broker.data_dir.mkdir(parents=True)
    (broker.data_dir / "meta.properties").write_text("node.id=1\n")
    broker.version_file.write_text(KAFKA_VERSION + "\n")
    assert "without the SASL user 'gotong'" in (broker.format_reason() or "")
    broker.users_file.write_text(broker._users_digest() + "\n")
    assert broker.format_reason() is None
    assert "gotong-dev-secret" not in broker.users_file.read_text()
    monkeypatch.setenv("GOTONG_KAFKA_SASL_PASSWORD", "another-secret")
    assert LocalBroker(load_settings()).format_reason() is not None


def _props(broker: LocalBroker) -> dict[str, str]:
    text = broker._server_properties()
    return dict(line.split("=", 1) for line in text.splitlines() if not line.startswith("#"))


def test_three_nodes_each_have_their_ports_and_data_and_replicate_three_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOTONG_STACK_DIR", str(tmp_path))
    monkeypatch.delenv("GOTONG_KAFKA_BOOTSTRAP", raising=False)
    _default_kafka_ports(monkeypatch)
    monkeypatch.setenv("GOTONG_KAFKA_NODES", "3")
    settings = load_settings()
    assert settings.kafka_bootstrap == "127.0.0.1:59092,127.0.0.1:59102,127.0.0.1:59112"
    kafka = LocalKafka(settings)
    for node_id, broker in enumerate(kafka.nodes, start=1):
        props = _props(broker)
        port = 59092 + 10 * (node_id - 1)
        assert props["node.id"] == str(node_id)
        assert props["listeners"] == f"CLIENT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{port + 1}"
        assert props["advertised.listeners"] == f"CLIENT://127.0.0.1:{port}"
        assert props["controller.quorum.bootstrap.servers"] == (
            "127.0.0.1:59093,127.0.0.1:59103,127.0.0.1:59113")
        assert props["log.dirs"] == str(tmp_path / "kafka" / f"node-{node_id}" / "data")
        assert props["min.insync.replicas"] == "2"
        assert props["unclean.leader.election.enable"] == "false"
        assert props["offsets.topic.replication.factor"] == "3"
        assert props["super.users"] == "User:gotong"  # SASL and ACLs as on one node
    # One node keeps its place and its configuration: no replication settings of a cluster.
    monkeypatch.setenv("GOTONG_KAFKA_NODES", "1")
    single = LocalKafka(load_settings()).nodes[0]
    assert single.root == tmp_path / "kafka"
    assert "min.insync.replicas" not in _props(single)


def test_a_local_kafka_has_one_node_or_three(monkeypatch: pytest.MonkeyPatch) -> None:
    assert kafka_node_count(None) == 1
    assert kafka_node_count("3") == 3
    for wrong in ("2", "0", "three"):
        with pytest.raises(PrerequisiteError, match="1 or 3 nodes"):
            kafka_node_count(wrong)


def recording_java(tmp_path: Path) -> str:
    """``fake_java``, also keeping each call's arguments beside the data dir."""
    script = tmp_path / "java"
    script.write_text(
        "#!/bin/sh\n"
        'args="$*"\n'
        'while [ "$1" != "-c" ]; do shift; done\n'
        "dir=$(sed -n 's/^log.dirs=//p' \"$2\")\n"
        'mkdir -p "$dir" && echo "version=1" > "$dir/meta.properties"\n'
        'echo "$args" > "$dir/../format-args"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_cluster_is_formatted_as_one_quorum_and_again_as_a_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The voters and their directory ids are fixed at format time, the same on every
    node: a node that must be formatted again takes the whole cluster with it."""
    monkeypatch.setenv("GOTONG_STACK_DIR", str(tmp_path / "stack"))
    _default_kafka_ports(monkeypatch)
    monkeypatch.setenv("GOTONG_KAFKA_NODES", "3")
    kafka = LocalKafka(load_settings())
    java = recording_java(tmp_path)
    kafka._ensure_cluster_formatted(java, tmp_path / "libs", lambda line: None)
    args = [(b.root / "format-args").read_text().split() for b in kafka.nodes]
    voters = {a[a.index("--initial-controllers") + 1] for a in args}
    assert len(voters) == 1  # one quorum, named alike to every node
    [quorum] = voters
    assert [v.rsplit(":", 1)[0] for v in quorum.split(",")] == [
        "1@127.0.0.1:59093", "2@127.0.0.1:59103", "3@127.0.0.1:59113"]
    assert len({a[a.index("-t") + 1] for a in args}) == 1  # one cluster id
    assert all(b.format_reason(kafka.quorum_shape()) is None for b in kafka.nodes)
    (kafka.nodes[0].data_dir / "gotong.members.events-0").mkdir()
    kafka.nodes[2].version_file.write_text("4.4.0\n")
    kafka._ensure_cluster_formatted(java, tmp_path / "libs", lambda line: None)
    again = {(b.root / "format-args").read_text().split()[-3] for b in kafka.nodes}
    assert len(again) == 1  # formatted anew, all three, as one quorum
    assert again != voters  # with new directory ids
    assert not (kafka.nodes[0].data_dir / "gotong.members.events-0").exists()
    # Other ports are another quorum.
    monkeypatch.setenv("GOTONG_KAFKA_CONTROLLER_PORT", "59193")
    moved = LocalKafka(load_settings())
    assert moved.nodes[1].format_reason(moved.quorum_shape()) is not None


def test_pom_is_found_and_cold_cache_is_not_warm(tmp_path: Path) -> None:
    assert "<artifactId>kafka_2.13</artifactId>" in pom_path().read_text()
    assert not is_warm(tmp_path, KAFKA_VERSION)


def test_the_demo_keeps_the_day_it_was_first_seeded(tmp_path: Path) -> None:
    """The demo's dates are relative to that day, and every later run must send the same
    bodies (they are hashed with their Idempotency-Keys), whatever the clock says."""
    paths = Paths(tmp_path / ".stack")
    first = date(2026, 12, 7)
    assert demo_day(paths, first) == first
    assert paths.demo_today.read_text("ascii") == "2026-12-07\n"
    assert demo_day(paths, date(2027, 1, 15)) == first  # a later run, a month on
    with pytest.raises(StackError, match="after today"):
        demo_day(paths, date(2026, 12, 6))  # a clock set back
    paths.demo_today.write_text("yesterday\n", "ascii")
    with pytest.raises(StackError, match="start afresh"):
        demo_day(paths, first)


def test_the_stack_creates_the_database_of_every_process_make_run_starts() -> None:
    # A service added to `make run` without its database fails only on a fresh stack.
    from gotong_devstack.run import SERVICES
    from gotong_devstack.settings import SERVICE_DATABASES

    assert {service.database for service in SERVICES} <= set(SERVICE_DATABASES)


def test_a_port_offset_moves_every_api_and_metrics_port() -> None:
    """`GOTONG_RUN_PORT_OFFSET` shifts the ports of a second platform (the relays' too: a
    second platform's relays could not serve their metrics otherwise); a bad value stops."""
    probe = ("import json; from gotong_devstack.run import SERVICES;"
             "ports = (p for s in SERVICES for p in (s.port, s.metrics_port, "
             "s.relay_metrics_port) if p);"
             "print(json.dumps(sorted(ports)))")

    def ports(offset: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,  # noqa: S603
                              env={**os.environ, "GOTONG_RUN_PORT_OFFSET": offset}, check=False)
    base, moved = ports("0"), ports("1000")
    assert base.returncode == 0, base.stderr
    assert moved.returncode == 0, moved.stderr
    base_ports, moved_ports = json.loads(base.stdout), json.loads(moved.stdout)
    assert len(base_ports) == 14  # 5 APIs, 4 consumers, 5 relays
    assert len(set(base_ports)) == 14
    assert moved_ports == [p + 1000 for p in base_ports]
    refused = ports("eight")
    assert refused.returncode != 0
    assert "GOTONG_RUN_PORT_OFFSET" in refused.stderr
