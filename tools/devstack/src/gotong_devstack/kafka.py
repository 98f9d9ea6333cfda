"""A single-node KRaft Kafka (broker + controller) run from the cached Maven classpath."""

from __future__ import annotations

import base64
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
        """Our broker is running, and it is the pinned release."""
        return self.running_pid() is not None and self.running_version() == self.version

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
            # Tests must run against the pinned release, not whatever was started earlier.
            report(f"kafka: running {self.running_version()}, pinned {self.version}: restarting")
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
        lines = [
            "# Written by gotong-stack on every start: edit tools/devstack, not this file.",
            "process.roles=broker,controller",
            "node.id=1",
            f"listeners=PLAINTEXT://{LOOPBACK}:{self.settings.kafka_port},CONTROLLER://{LOOPBACK}:{self.settings.kafka_controller_port}",
            f"advertised.listeners=PLAINTEXT://{LOOPBACK}:{self.settings.kafka_port}",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            "controller.listener.names=CONTROLLER",
            # A dynamic quorum of one (formatted with --standalone).
            f"controller.quorum.bootstrap.servers={LOOPBACK}:{self.settings.kafka_controller_port}",
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

    def _ensure_formatted(self, java: str, libs: Path, report: Report) -> None:
        formatted = (self.data_dir / "meta.properties").is_file()
        previous = self.running_version()
        if formatted and previous == self.version:
            return
        if formatted:
            # The metadata log records a metadata.version an older release cannot read (4.3.1
            # on 4.4.0's log dies with "No MetadataVersion with feature level 33"), and the
            # data is disposable test data: start over rather than fail obscurely. A newer
            # release could read it, but wiping on any change keeps one rule and no surprises.
            report(
                f"kafka: version changed ({previous} -> {self.version}), wiping {self.data_dir}"
                " (topics and offsets go, PostgreSQL keeps its events: see tools/devstack README)"
            )
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if not self.cluster_id_file.is_file():
            self.cluster_id_file.write_text(new_cluster_id() + "\n")
        cluster_id = self.cluster_id_file.read_text().strip()
        report(f"kafka: formatting {self.data_dir} (cluster id {cluster_id})")
        result = run(
            [
                java, *self._log4j_option(), "-cp", f"{libs}/*", STORAGE_TOOL,
                "format", "-t", cluster_id, "-c", str(self.config), "--standalone",
            ],
            timeout=120,
        )  # fmt: skip
        if result.returncode != 0:
            raise StackError(f"kafka storage format failed:\n{output_tail(result)}")
        self.version_file.write_text(self.version + "\n")

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
