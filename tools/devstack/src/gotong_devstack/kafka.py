"""A single-node KRaft Kafka (broker + controller) run from the cached Maven classpath."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.proc import (
    Report,
    file_tail,
    output_tail,
    port_open,
    process_alive,
    process_cmdline,
    read_pid,
    run,
    spawn_detached,
    split_host_port,
)
from gotong_devstack.settings import LOOPBACK, Settings

MAIN_CLASS = "kafka.Kafka"
STORAGE_TOOL = "kafka.tools.StorageTool"
# Every client authenticates (SASL/SCRAM-SHA-512 on the client listener) and is authorized
# by ACLs kept in the metadata log; no ACL means no access, as in the cluster.
AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"
PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule"
# The port opens before the broker has caught up with the metadata log and registered with
# the controller; this line (from KafkaRaftServer) is logged only once it serves requests.
READY_LINE = "Kafka Server started"
START_TIMEOUT = 60.0
STOP_GRACE = 20.0
# A few hundred MB is plenty for test traffic and leaves room on a 2-core/24 GB CI machine.
JVM_OPTIONS = ("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true")

LOG4J2_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by gotong-stack: the broker logs to stdout, which goes to kafka.log. -->
<Configuration status="WARN">
  <Appenders>
    <Console name="stdout" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="stdout"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="kafka.authorizer.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
  </Loggers>
</Configuration>
"""


@dataclass(frozen=True)
class KafkaStatus:
    running: bool
    pid: int | None
    version: str | None
    detail: str


def new_cluster_id() -> str:
    """A Kafka-style cluster id: a random UUID as unpadded URL-safe base64.

    Kafka avoids ids starting with '-' (they read as command-line options); so do we.
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


class LocalBroker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.version = settings.kafka_version
        root = settings.kafka_dir
        self.root = root
        self.data_dir = root / "data"
        self.config = root / "server.properties"
        self.log4j = root / "log4j2.xml"
        self.log_file = root / "kafka.log"
        self.pid_file = root / "kafka.pid"
        self.cluster_id_file = root / "cluster.id"
        # The release that formatted data_dir; a different one gets a fresh data dir.
        self.version_file = root / "version"
        # A digest of the SCRAM user data_dir was formatted with (see _users_digest).
        self.users_file = root / "users"

    # -- state --------------------------------------------------------------------------

    def _is_ours(self, pid: int) -> bool:
        argv = process_cmdline(pid)
        return argv is not None and MAIN_CLASS in argv and str(self.config) in argv

    def running_pid(self) -> int | None:
        pid = read_pid(self.pid_file)
        if pid is not None and self._is_ours(pid):
            return pid
        # The pid file can be lost (e.g. .stack cleaned by hand): look for our config in /proc.
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and self._is_ours(int(entry.name)):
                self.pid_file.write_text(f"{entry.name}\n")
                return int(entry.name)
        return None

    def running_version(self) -> str | None:
        try:
            return self.version_file.read_text().strip() or None
        except OSError:
            return None

    def status(self) -> KafkaStatus:
        pid = self.running_pid()
        where = f"{LOOPBACK}:{self.settings.kafka_port}, data {self.data_dir}"
        if pid is None:
            return KafkaStatus(False, None, self.version, f"stopped ({where})")
        return KafkaStatus(True, pid, self.running_version(), where)

    # -- lifecycle ----------------------------------------------------------------------

    def is_current(self) -> bool:
        """Our broker is running the pinned release with the configuration we would write now
        (a broker started by an older checkout, e.g. without SASL, is restarted)."""
        return (self.running_pid() is not None and self.running_version() == self.version
                and self._config_is_current())

    def _config_is_current(self) -> bool:
        try:
            return self.config.read_text() == self._server_properties()
        except OSError:
            return False

    def check_ports_free(self) -> None:
        for port in (self.settings.kafka_port, self.settings.kafka_controller_port):
            if port_open(LOOPBACK, port):
                raise PrerequisiteError(
                    f"port {port} is in use by another process, not this stack's Kafka: "
                    "stop it, or set GOTONG_KAFKA_BOOTSTRAP to use an existing broker"
                )

    def start(self, java: str, libs: Path, report: Report) -> None:
        if self.running_pid() is not None:
            if self.is_current():
                report(f"kafka: already running on {LOOPBACK}:{self.settings.kafka_port}")
                return
            # Tests must run against the pinned release and configuration, not whatever was
            # started earlier.
            if self.running_version() != self.version:
                report(f"kafka: running {self.running_version()}, pinned {self.version}: "
                       "restarting")
            else:
                report("kafka: running with an older configuration: restarting")
            self.stop(report)
        self.check_ports_free()
        self.root.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self._server_properties())
        self.log4j.write_text(LOG4J2_XML)
        self._ensure_formatted(java, libs, report)
        if self.log_file.exists():
            # Keep the previous run's log for post-mortems, but start the wait from a clean file.
            self.log_file.replace(self.log_file.with_name("kafka.log.1"))
        report(f"kafka: starting {self.version} on {LOOPBACK}:{self.settings.kafka_port}")
        argv = [java, *JVM_OPTIONS, *self._log4j_option(), "-cp", f"{libs}/*", MAIN_CLASS]
        try:
            pid = spawn_detached([*argv, str(self.config)], self.log_file, cwd=self.root)
        except RuntimeError as exc:
            raise StackError(str(exc)) from None
        self.pid_file.write_text(f"{pid}\n")
        self._wait_ready(pid)

    def stop(self, report: Report) -> None:
        pid = self.running_pid()
        if pid is None:
            report("kafka: not running")
            self.pid_file.unlink(missing_ok=True)
            return
        # SIGTERM runs the broker's controlled shutdown, which flushes and closes logs cleanly.
        os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, STOP_GRACE):
            report(f"kafka: pid {pid} ignored SIGTERM for {STOP_GRACE:.0f}s, sending SIGKILL")
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 10.0)
        self.pid_file.unlink(missing_ok=True)
        report("kafka: stopped")

    # -- helpers ------------------------------------------------------------------------

    def _log4j_option(self) -> list[str]:
        return [f"-Dlog4j2.configurationFile={self.log4j}"]

    def _server_properties(self) -> str:
        settings = self.settings
        port, controller_port = settings.kafka_port, settings.kafka_controller_port
        user, password = settings.kafka_username, settings.kafka_password
        lines = [
            "# Written by gotong-stack on every start: edit tools/devstack, not this file.",
            "process.roles=broker,controller",
            "node.id=1",
            # One client listener, SASL over plain TCP on loopback: every client (the
            # services, the tests, a partner's consumer) logs in with a SCRAM user, and the
            # ACLs decide what it may do. There is no unauthenticated listener to go around
            # them. The controller listener (also loopback) takes only the broker's own
            # user, by PLAIN: SCRAM cannot authenticate controllers (its credentials live in
            # the metadata log the controller serves).
            f"listeners=CLIENT://{LOOPBACK}:{port},CONTROLLER://{LOOPBACK}:{controller_port}",
            f"advertised.listeners=CLIENT://{LOOPBACK}:{port}",
            "listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
            "inter.broker.listener.name=CLIENT",
            "controller.listener.names=CONTROLLER",
            "sasl.enabled.mechanisms=SCRAM-SHA-512",
            "listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
            f'listener.name.client.scram-sha-512.sasl.jaas.config={SCRAM_LOGIN} required '
            f'username="{user}" password="{password}";',
            "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
            "sasl.mechanism.controller.protocol=PLAIN",
            f'listener.name.controller.plain.sasl.jaas.config={PLAIN_LOGIN} required '
            f'username="{user}" password="{password}" user_{user}="{password}";',
            f"authorizer.class.name={AUTHORIZER}",
            "allow.everyone.if.no.acl.found=false",
            # The internal user: the broker itself, and every service and test of the stack
            # (the cluster gives each service its own user and ACLs: deploy/k8s).
            f"super.users=User:{user}",
            # A dynamic quorum of one (formatted with --standalone).
            f"controller.quorum.bootstrap.servers={LOOPBACK}:{controller_port}",
            f"log.dirs={self.data_dir}",
            # One broker: internal topics cannot have more replicas than that.
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            # Tests start consumers one after another; don't make each group wait 3 s.
            "group.initial.rebalance.delay.ms=0",
            # Topics are created explicitly, as in production; a typo must fail loudly.
            "auto.create.topics.enable=false",
            "num.partitions=3",
            # Event logs are kept forever; the data dir is disposable.
            "log.retention.ms=-1",
        ]
        return "\n".join(lines) + "\n"

    def _users_digest(self) -> str:
        """What data_dir's SCRAM user must match: the credentials are written into the
        metadata log only when it is formatted (``--add-scram``), so other credentials mean
        a fresh format. Hashed, so the file does not keep the password."""
        secret = f"{self.settings.kafka_username}\0{self.settings.kafka_password}"
        return hashlib.sha256(secret.encode()).hexdigest()

    def format_reason(self) -> str | None:
        """Why data_dir must be formatted (wiped first if it holds data); None when it is
        ready for this release and these credentials."""
        if not (self.data_dir / "meta.properties").is_file():
            return "not formatted"
        previous = self.running_version()
        if previous != self.version:
            # The metadata log records a metadata.version an older release cannot read (4.3.1
            # on 4.4.0's log dies with "No MetadataVersion with feature level 33"), and the
            # data is disposable test data: start over rather than fail obscurely. A newer
            # release could read it, but wiping on any change keeps one rule and no surprises.
            return (f"version changed ({previous} -> {self.version}) (topics and offsets go, "
                    "PostgreSQL keeps its events: see tools/devstack README)")
        users = self.users_file.read_text().strip() if self.users_file.is_file() else None
        if users != self._users_digest():
            # Formatted before the broker required SASL (or with other credentials): the
            # user can be added only at format time (the stack has no admin tool on its
            # classpath, and nothing could log in to add it), so start over, once.
            return (f"formatted without the SASL user {self.settings.kafka_username!r} "
                    "(topics and offsets go, PostgreSQL keeps its events: see "
                    "tools/devstack README)")
        return None

    def _ensure_formatted(self, java: str, libs: Path, report: Report) -> None:
        reason = self.format_reason()
        if reason is None:
            return
        if reason != "not formatted":
            report(f"kafka: {reason}, wiping {self.data_dir}")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if not self.cluster_id_file.is_file():
            self.cluster_id_file.write_text(new_cluster_id() + "\n")
        cluster_id = self.cluster_id_file.read_text().strip()
        report(f"kafka: formatting {self.data_dir} (cluster id {cluster_id})")
        result = run(
            [
                java, *self._log4j_option(), "-cp", f"{libs}/*", STORAGE_TOOL,
                "format", "-t", cluster_id, "-c", str(self.config), "--standalone",
                "--add-scram", self._scram_argument(),
            ],
            timeout=120,
        )  # fmt: skip
        if result.returncode != 0:
            raise StackError(f"kafka storage format failed:\n{output_tail(result)}")
        self.version_file.write_text(self.version + "\n")
        self.users_file.write_text(self._users_digest() + "\n")

    def _scram_argument(self) -> str:
        user, password = self.settings.kafka_username, self.settings.kafka_password
        return f"SCRAM-SHA-512=[name={user},password={password}]"

    def _wait_ready(self, pid: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        ready = READY_LINE.encode()
        seen = b""
        offset = 0
        while time.monotonic() < deadline:
            if not self._is_ours(pid):
                raise StackError(
                    f"Kafka exited during start-up.\n--- tail of {self.log_file} ---\n"
                    f"{file_tail(self.log_file)}"
                )
            with self.log_file.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            offset += len(chunk)
            # Keep a short overlap so a line split across two reads is still found.
            seen = seen[-200:] + chunk
            if ready in seen and port_open(LOOPBACK, self.settings.kafka_port):
                return
            time.sleep(0.2)
        raise StackError(
            f"Kafka did not become ready within {START_TIMEOUT:.0f}s (pid {pid} left running; "
            f"`gotong-stack kafka-stop` stops it).\n--- tail of {self.log_file} ---\n"
            f"{file_tail(self.log_file)}"
        )


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.2)
    return False


def check_given_bootstrap(bootstrap: str) -> KafkaStatus:
    """GOTONG_KAFKA_BOOTSTRAP is set: one reachable server is enough for clients to start."""
    for server in bootstrap.split(","):
        host, port = split_host_port(server, 9092)
        if port_open(host, port, timeout=3.0):
            return KafkaStatus(True, None, None, f"given broker {bootstrap}")
    return KafkaStatus(False, None, None, f"GOTONG_KAFKA_BOOTSTRAP does not answer: {bootstrap}")
