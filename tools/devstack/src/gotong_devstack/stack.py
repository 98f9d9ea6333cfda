"""The whole stack: bring PostgreSQL and Kafka up or down together, and report on them."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

from gotong_devstack import kafka_libs
from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.java import find_java
from gotong_devstack.kafka import KafkaStatus, LocalKafka, check_given_bootstrap
from gotong_devstack.postgres import LocalCluster, PgStatus, check_given_server, find_binaries
from gotong_devstack.proc import Report, file_lock, quiet
from gotong_devstack.settings import (
    KAFKA_SASL_MECHANISM,
    KAFKA_SECURITY_PROTOCOL,
    Settings,
    load_settings,
)


@dataclass(frozen=True)
class KafkaClientAuth:
    """How a client authenticates to the stack's broker (the internal super user)."""

    security_protocol: str
    sasl_mechanism: str | None
    username: str | None
    password: str | None = field(repr=False)

    def env(self) -> dict[str, str]:
        """As the GOTONG_KAFKA_* variables the platform's clients fall back to
        (``gotong_platform.kafka.KafkaAuth.from_env``)."""
        values = {"GOTONG_KAFKA_SECURITY_PROTOCOL": self.security_protocol,
                  "GOTONG_KAFKA_SASL_MECHANISM": self.sasl_mechanism,
                  "GOTONG_KAFKA_SASL_USERNAME": self.username,
                  "GOTONG_KAFKA_SASL_PASSWORD": self.password}
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class StackInfo:
    """What clients need to reach the stack. kafka_version is None for a given broker."""

    pg_admin_dsn: str
    kafka_bootstrap: str
    kafka_version: str | None
    kafka_auth: KafkaClientAuth


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    running: bool
    pid: int | None
    port: int | None
    version: str | None
    detail: str


def kafka_client_auth(settings: Settings) -> KafkaClientAuth:
    if settings.kafka_bootstrap_given and not settings.kafka_security_protocol.startswith("SASL"):
        return KafkaClientAuth(settings.kafka_security_protocol, None, None, None)
    # The local broker is always SASL/SCRAM; a given one takes what the settings say.
    given = settings.kafka_bootstrap_given is not None
    return KafkaClientAuth(
        settings.kafka_security_protocol if given else KAFKA_SECURITY_PROTOCOL,
        settings.kafka_sasl_mechanism if given else KAFKA_SASL_MECHANISM,
        settings.kafka_username, settings.kafka_password)


def info(settings: Settings) -> StackInfo:
    version = None if settings.kafka_bootstrap_given else settings.kafka_version
    return StackInfo(settings.pg_admin_dsn, settings.kafka_bootstrap, version,
                     kafka_client_auth(settings))


def _lock(settings: Settings) -> Path:
    return settings.stack_dir / "lock"


def _needs_local(settings: Settings) -> bool:
    return not (settings.pg_admin_dsn_given and settings.kafka_bootstrap_given)


def up(settings: Settings, report: Report = quiet) -> StackInfo:
    """Start whatever is not running yet; a no-op (plus checks) when all is up."""
    if settings.pg_admin_dsn_given:
        _require_up(check_given_server(settings.pg_admin_dsn), "postgresql", report)
    if settings.kafka_bootstrap_given:
        _require_up(check_given_bootstrap(settings.kafka_bootstrap), "kafka", report)
    if not _needs_local(settings):
        return info(settings)
    with file_lock(_lock(settings)):
        cluster = None if settings.pg_admin_dsn_given else LocalCluster(settings, find_binaries())
        kafka = None if settings.kafka_bootstrap_given else LocalKafka(settings)
        # Everything that can fail for want of a tool, a free port or the classpath is
        # checked before anything starts, so such a failure never leaves half a stack.
        if cluster is not None and cluster.running_pid() is None:
            cluster.check_port_free()
        kafka_launch: tuple[str, Path] | None = None
        if kafka is not None and not kafka.is_current():
            java = find_java()
            kafka_libs.require_maven_or_warm(settings.cache_dir, settings.kafka_version)
            # One node and a cluster share the first node's ports: switching stops the
            # other layout (its data dirs are kept for a switch back).
            _stop_other_layout(settings, report)
            kafka.check_ports_free()
            libs = kafka_libs.ensure_libs(settings.cache_dir, settings.kafka_version, report)
            kafka_launch = (java, libs)

        if cluster is not None:
            cluster.start(report)
        if kafka_launch is not None and kafka is not None:
            kafka.start(*kafka_launch, report)
        elif kafka is not None:
            report(f"kafka: already running on {settings.kafka_bootstrap}")
    return info(settings)


def _other_layout(settings: Settings) -> LocalKafka:
    """The local Kafka with the other number of nodes (1 <-> 3), in the same .stack."""
    return LocalKafka(dataclasses.replace(settings,
                                          kafka_nodes=3 if settings.kafka_nodes == 1 else 1))


def running_layout(settings: Settings) -> Settings:
    """``settings`` with the number of Kafka nodes that runs: after `up --kafka-nodes 3`,
    `status`, `env` and `kafka-stop` without the option still find the three nodes.
    Unchanged when the layout the settings name runs, or neither does."""
    if settings.kafka_bootstrap_given or LocalKafka(settings).running_pids():
        return settings
    other = _other_layout(settings)
    if other.running_pids():
        return other.settings
    return settings


def _stop_other_layout(settings: Settings, report: Report) -> None:
    other = _other_layout(settings)
    if other.running_pids():
        report(f"kafka: switching from {len(other.nodes)} node(s) to {settings.kafka_nodes}: "
               "stopping the other")
        other.stop(report)


def _require_up(status: PgStatus | KafkaStatus, name: str, report: Report) -> None:
    if not status.running:
        raise StackError(status.detail)
    report(f"{name}: {status.detail} answers")


def down(settings: Settings, report: Report = quiet) -> None:
    if not _needs_local(settings):
        report("nothing local to stop: both servers are given by settings")
        return
    with file_lock(_lock(settings)):
        if settings.kafka_bootstrap_given:
            report("kafka: given by GOTONG_KAFKA_BOOTSTRAP, not stopped")
        else:
            # Whichever layout runs (one node or three), whatever GOTONG_KAFKA_NODES says now.
            other = _other_layout(settings)
            if other.running_pids():
                other.stop(report)
            LocalKafka(settings).stop(report)
        if settings.pg_admin_dsn_given:
            report("postgresql: given by GOTONG_PG_ADMIN_DSN, not stopped")
        elif not settings.pg_dir.exists():
            report("postgresql: not running")
        else:
            LocalCluster(settings, find_binaries()).stop(report)


def kafka_start(settings: Settings, report: Report = quiet,
                node_ids: list[int] | None = None) -> None:
    """Start the local Kafka's nodes (``node_ids``, or all) that are not running."""
    _require_local_kafka(settings)
    java = find_java()
    kafka_libs.require_maven_or_warm(settings.cache_dir, settings.kafka_version)
    with file_lock(_lock(settings)):
        libs = kafka_libs.ensure_libs(settings.cache_dir, settings.kafka_version, report)
        LocalKafka(settings).start(java, libs, report, node_ids)


def kafka_stop(settings: Settings, report: Report = quiet, node_ids: list[int] | None = None,
               *, kill: bool = False) -> None:
    """Stop the local Kafka's nodes (``node_ids``, or all): SIGTERM (a controlled
    shutdown), or SIGKILL with ``kill`` (a crash)."""
    _require_local_kafka(settings)
    with file_lock(_lock(settings)):
        kafka = LocalKafka(settings)
        if kill:
            for node_id in node_ids or [b.node_id for b in kafka.nodes]:
                kafka.kill_node(node_id, report)
        else:
            kafka.stop(report, node_ids)


def _require_local_kafka(settings: Settings) -> None:
    if settings.kafka_bootstrap_given:
        raise PrerequisiteError(
            "kafka-start/kafka-stop manage only the local broker, but GOTONG_KAFKA_BOOTSTRAP "
            f"is set ({settings.kafka_bootstrap_given}); unset it to use the local one"
        )


def status(settings: Settings) -> list[ComponentStatus]:
    return [_pg_status(settings), *_kafka_status(settings)]


def _pg_status(settings: Settings) -> ComponentStatus:
    try:
        if settings.pg_admin_dsn_given:
            pg = check_given_server(settings.pg_admin_dsn)
            return ComponentStatus("postgresql", pg.running, None, None, pg.version, pg.detail)
        pg = LocalCluster(settings, find_binaries()).status()
    except PrerequisiteError as exc:
        return ComponentStatus("postgresql", False, None, None, None, str(exc))
    return ComponentStatus(
        "postgresql", pg.running, pg.pid, settings.pg_port, pg.version, pg.detail
    )


def _kafka_status(settings: Settings) -> list[ComponentStatus]:
    if settings.kafka_bootstrap_given:
        given = check_given_bootstrap(settings.kafka_bootstrap)
        return [ComponentStatus("kafka", given.running, None, None, None, given.detail)]
    kafka = LocalKafka(settings)
    return [ComponentStatus(broker.name, s.running, s.pid, broker.port, s.version, s.detail)
            for broker, s in kafka.statuses()]


def ensure_stack(report: Report = quiet) -> StackInfo:
    """For test suites: bring the stack up if needed and say how to reach it.

    Safe to call from many processes at once (pytest-xdist workers): starts are serialised
    by a lock and are no-ops once everything runs. Raises StackError (PrerequisiteError
    for a missing tool or bad setting) with a message meant for people.
    """
    return up(load_settings(), report)


def timed_up(settings: Settings, report: Report) -> tuple[StackInfo, float]:
    started = time.monotonic()
    result = up(settings, report)
    return result, time.monotonic() - started
