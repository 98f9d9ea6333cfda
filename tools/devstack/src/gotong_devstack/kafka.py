"""The local KRaft Kafka run from the cached Maven classpath: one node (broker + controller),
or three such nodes forming one cluster (a quorum of three voters, topics replicated three
times) for the tests of a broker lost under load."""

from __future__ import annotations

import base64
import contextlib
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
# Three JVMs starting at once on a 2-core machine, each waiting for a quorum of the others.
CLUSTER_START_TIMEOUT = 180.0
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
    """One node of the local Kafka: node 1 of 1 lives in ``.stack/kafka`` (as it always
    has), node N of a three-node cluster in ``.stack/kafka/node-N``."""

    def __init__(self, settings: Settings, node_id: int = 1) -> None:
        self.settings = settings
        self.version = settings.kafka_version
        self.node_id = node_id
        self.nodes = settings.kafka_nodes
        self.port, self.controller_port = settings.kafka_node_ports(node_id)
        root = settings.kafka_dir if self.nodes == 1 else settings.kafka_dir / f"node-{node_id}"
        self.root = root
        self.data_dir = root / "data"
        self.config = root / "server.properties"
        self.log4j = root / "log4j2.xml"
        self.log_file = root / "kafka.log"
        self.pid_file = root / "kafka.pid"
        # One cluster id for every node of a cluster (.stack/kafka/cluster.id).
        self.cluster_id_file = settings.kafka_dir / "cluster.id"
        # The release that formatted data_dir; a different one gets a fresh data dir.
        self.version_file = root / "version"
        # A digest of the SCRAM user data_dir was formatted with (see _users_digest).
        self.users_file = root / "users"
        # A cluster's node: the voters (ids, controller ports, directory ids) it was
        # formatted with; every node of the cluster holds the same.
        self.quorum_file = root / "quorum"

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
        where = f"{LOOPBACK}:{self.port}, data {self.data_dir}"
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
        for port in (self.port, self.controller_port):
            if port_open(LOOPBACK, port):
                raise PrerequisiteError(
                    f"port {port} is in use by another process, not this stack's Kafka: "
                    "stop it, or set GOTONG_KAFKA_BOOTSTRAP to use an existing broker"
                )

    def start(self, java: str, libs: Path, report: Report) -> None:
        """Start this node alone (a single node; a cluster starts its nodes together)."""
        if self.stop_if_stale(report):
            return
        self.check_ports_free()
        self.write_config()
        self._ensure_formatted(java, libs, report)
        self._wait_ready(self.spawn(java, libs, report), START_TIMEOUT)

    def stop_if_stale(self, report: Report) -> bool:
        """True when this node already runs as it should; stopped when it runs otherwise."""
        if self.running_pid() is None:
            return False
        if self.is_current():
            report(f"{self.name}: already running on {LOOPBACK}:{self.port}")
            return True
        # Tests must run against the pinned release and configuration, not whatever was
        # started earlier.
        if self.running_version() != self.version:
            report(f"{self.name}: running {self.running_version()}, pinned {self.version}: "
                   "restarting")
        else:
            report(f"{self.name}: running with an older configuration: restarting")
        self.stop(report)
        return False

    @property
    def name(self) -> str:
        return "kafka" if self.nodes == 1 else f"kafka node {self.node_id}"

    def write_config(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self._server_properties())
        self.log4j.write_text(LOG4J2_XML)

    def spawn(self, java: str, libs: Path, report: Report) -> int:
        """Launch the JVM (formatted and configured already); its pid. Not ready yet."""
        if self.log_file.exists():
            # Keep the previous run's log for post-mortems, but start the wait from a clean file.
            self.log_file.replace(self.log_file.with_name("kafka.log.1"))
        report(f"{self.name}: starting {self.version} on {LOOPBACK}:{self.port}")
        argv = [java, *JVM_OPTIONS, *self._log4j_option(), "-cp", f"{libs}/*", MAIN_CLASS]
        try:
            pid = spawn_detached([*argv, str(self.config)], self.log_file, cwd=self.root)
        except RuntimeError as exc:
            raise StackError(str(exc)) from None
        self.pid_file.write_text(f"{pid}\n")
        return pid

    def stop(self, report: Report) -> None:
        pid = self.running_pid()
        if pid is None:
            report(f"{self.name}: not running")
            self.pid_file.unlink(missing_ok=True)
            return
        # SIGTERM runs the broker's controlled shutdown, which flushes and closes logs cleanly.
        os.kill(pid, signal.SIGTERM)
        self.finish_stop(pid, report)

    def finish_stop(self, pid: int, report: Report) -> None:
        """Wait for a SIGTERMed node to go, SIGKILL it after STOP_GRACE."""
        if not _wait_gone(pid, STOP_GRACE):
            report(f"{self.name}: pid {pid} ignored SIGTERM for {STOP_GRACE:.0f}s, "
                   "sending SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 10.0)
        self.pid_file.unlink(missing_ok=True)
        report(f"{self.name}: stopped")

    def kill(self, report: Report) -> None:
        """SIGKILL, as a crashed machine or an OOM kill would: no controlled shutdown, no
        flush (fault tests)."""
        pid = self.running_pid()
        if pid is None:
            report(f"{self.name}: not running")
            return
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10.0)
        self.pid_file.unlink(missing_ok=True)
        report(f"{self.name}: killed (SIGKILL)")

    # -- helpers ------------------------------------------------------------------------

    def _log4j_option(self) -> list[str]:
        return [f"-Dlog4j2.configurationFile={self.log4j}"]

    def _server_properties(self) -> str:
        settings = self.settings
        port, controller_port = self.port, self.controller_port
        user, password = settings.kafka_username, settings.kafka_password
        lines = [
            "# Written by gotong-stack on every start: edit tools/devstack, not this file.",
            "process.roles=broker,controller",
            f"node.id={self.node_id}",
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
            # A dynamic quorum of one (formatted with --standalone), or of every node of a
            # cluster (formatted with --initial-controllers).
            f"controller.quorum.bootstrap.servers={self._quorum_servers()}",
            f"log.dirs={self.data_dir}",
            *self._replication_lines(),
            # Tests start consumers one after another; don't make each group wait 3 s.
            "group.initial.rebalance.delay.ms=0",
            # Topics are created explicitly, as in production; a typo must fail loudly.
            "auto.create.topics.enable=false",
            "num.partitions=3",
            # Event logs are kept forever; the data dir is disposable.
            "log.retention.ms=-1",
        ]
        return "\n".join(lines) + "\n"

    def _quorum_servers(self) -> str:
        return ",".join(f"{LOOPBACK}:{self.settings.kafka_node_ports(n)[1]}"
                        for n in range(1, self.nodes + 1))

    def _replication_lines(self) -> list[str]:
        if self.nodes == 1:
            return [
                # One broker: internal topics cannot have more replicas than that.
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
            ]
        # As the cluster runs (deploy/k8s/base/kafka): every topic on three brokers, a write
        # acknowledged (acks=all) only once two of them have it, and a replica that fell
        # behind never elected leader (it would silently drop what the others acknowledged).
        # The domain topics carry the same settings themselves (create_topics); these are the
        # internal topics' (consumer offsets) and the default for any other.
        return [
            "default.replication.factor=3",
            "min.insync.replicas=2",
            "unclean.leader.election.enable=false",
            "offsets.topic.replication.factor=3",
            "transaction.state.log.replication.factor=3",
            "transaction.state.log.min.isr=2",
            "share.coordinator.state.topic.replication.factor=3",
            "share.coordinator.state.topic.min.isr=2",
        ]

    def _users_digest(self) -> str:
        """What data_dir's SCRAM user must match: the credentials are written into the
        metadata log only when it is formatted (``--add-scram``), so other credentials mean
        a fresh format. Hashed, so the file does not keep the password."""
        secret = f"{self.settings.kafka_username}\0{self.settings.kafka_password}"
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def _read(path: Path) -> str | None:
        try:
            return path.read_text().strip() or None
        except OSError:
            return None

    def format_reason(self, quorum: str | None = None) -> str | None:
        """Why data_dir must be formatted (wiped first if it holds data); None when it is
        ready for this release and these credentials (and, a cluster's node, the quorum
        it was formatted with: ``quorum``, or whatever its ``quorum`` file says)."""
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
        if self.nodes > 1 and quorum is not None and self._read(self.quorum_file) != quorum:
            # The voters (their ports, their directory ids) are written into the metadata
            # log at format time: a node formatted for another quorum cannot join this one.
            return "formatted for another quorum (ports or nodes changed)"
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
        """A single node: format it if it needs it, as a dynamic quorum of one."""
        reason = self.format_reason()
        if reason is None:
            return
        if reason != "not formatted":
            report(f"{self.name}: {reason}, wiping {self.data_dir}")
        self.format(java, libs, report, ["--standalone"])

    def format(self, java: str, libs: Path, report: Report, quorum_args: list[str],
               quorum: str | None = None) -> None:
        """Wipe data_dir and format it (the cluster id, the quorum, the SCRAM user)."""
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.quorum_file.unlink(missing_ok=True)
        if not self.cluster_id_file.is_file():
            self.cluster_id_file.parent.mkdir(parents=True, exist_ok=True)
            self.cluster_id_file.write_text(new_cluster_id() + "\n")
        cluster_id = self.cluster_id_file.read_text().strip()
        report(f"{self.name}: formatting {self.data_dir} (cluster id {cluster_id})")
        result = run(
            [
                java, *self._log4j_option(), "-cp", f"{libs}/*", STORAGE_TOOL,
                "format", "-t", cluster_id, "-c", str(self.config), *quorum_args,
                "--add-scram", self._scram_argument(),
            ],
            timeout=120,
        )  # fmt: skip
        if result.returncode != 0:
            raise StackError(f"kafka storage format failed:\n{output_tail(result)}")
        self.version_file.write_text(self.version + "\n")
        self.users_file.write_text(self._users_digest() + "\n")
        if quorum is not None:
            self.quorum_file.write_text(quorum + "\n")

    def _scram_argument(self) -> str:
        user, password = self.settings.kafka_username, self.settings.kafka_password
        return f"SCRAM-SHA-512=[name={user},password={password}]"

    def ready(self, pid: int, seen: _LogScan) -> bool:
        """Whether the node started as ``pid`` serves clients (raises if it died)."""
        if not self._is_ours(pid):
            raise StackError(
                f"{self.name} exited during start-up.\n--- tail of {self.log_file} ---\n"
                f"{file_tail(self.log_file)}"
            )
        return seen.found(self.log_file) and port_open(LOOPBACK, self.port)

    def _wait_ready(self, pid: int, timeout: float) -> None:
        wait_ready([(self, pid)], timeout)


class _LogScan:
    """Follows a log file for READY_LINE, reading only what was appended since last time."""

    def __init__(self) -> None:
        self.offset = 0
        self.seen = b""
        self.hit = False

    def found(self, path: Path) -> bool:
        if self.hit:
            return True
        with path.open("rb") as handle:
            handle.seek(self.offset)
            chunk = handle.read()
        self.offset += len(chunk)
        # Keep a short overlap so a line split across two reads is still found.
        self.seen = self.seen[-200:] + chunk
        self.hit = READY_LINE.encode() in self.seen
        return self.hit


def wait_ready(started: list[tuple[LocalBroker, int]], timeout: float) -> None:
    """Until every node (started as its pid) serves clients: together, since a node of a
    cluster is ready only once a quorum of its controllers is up."""
    deadline = time.monotonic() + timeout
    waiting = {broker.node_id: (broker, pid, _LogScan()) for broker, pid in started}
    while time.monotonic() < deadline:
        for node_id, (broker, pid, scan) in list(waiting.items()):
            if broker.ready(pid, scan):
                del waiting[node_id]
        if not waiting:
            return
        time.sleep(0.2)
    broker, pid, _ = next(iter(waiting.values()))
    raise StackError(
        f"{broker.name} did not become ready within {timeout:.0f}s (pid {pid} left running; "
        f"`gotong-stack kafka-stop` stops it).\n--- tail of {broker.log_file} ---\n"
        f"{file_tail(broker.log_file)}"
    )


class LocalKafka:
    """The local Kafka as ``settings.kafka_nodes`` nodes: one, or a cluster of three.

    A cluster's nodes are formatted together (one cluster id; one quorum of three voters
    named with their directory ids, ``--initial-controllers``) and started together, since
    none is ready before a majority of the controllers is. One node can then be stopped,
    killed and started again (``stop_node``, ``kill_node``, ``start``), as fault tests do.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.nodes = [LocalBroker(settings, n) for n in range(1, settings.kafka_nodes + 1)]

    def node(self, node_id: int) -> LocalBroker:
        if not 1 <= node_id <= len(self.nodes):
            raise PrerequisiteError(f"node {node_id}: this Kafka has nodes 1 to "
                                    f"{len(self.nodes)}")
        return self.nodes[node_id - 1]

    def _chosen(self, node_ids: list[int] | None) -> list[LocalBroker]:
        return self.nodes if node_ids is None else [self.node(n) for n in node_ids]

    # -- state --------------------------------------------------------------------------

    def running_pids(self) -> dict[int, int]:
        """Node id -> pid of every node running."""
        return {b.node_id: pid for b in self.nodes if (pid := b.running_pid()) is not None}

    def is_current(self) -> bool:
        return all(b.is_current() for b in self.nodes)

    def statuses(self) -> list[tuple[LocalBroker, KafkaStatus]]:
        return [(b, b.status()) for b in self.nodes]

    def check_ports_free(self) -> None:
        for broker in self.nodes:
            if broker.controller_port > 65535:
                raise PrerequisiteError(f"GOTONG_KAFKA_PORT/GOTONG_KAFKA_CONTROLLER_PORT: node "
                                        f"{broker.node_id} would need port "
                                        f"{broker.controller_port}")
            if broker.running_pid() is None:
                broker.check_ports_free()

    # -- lifecycle ----------------------------------------------------------------------

    def start(self, java: str, libs: Path, report: Report,
              node_ids: list[int] | None = None) -> None:
        """Start the nodes that are not running (of ``node_ids``, or all), and wait until
        every one of them serves clients. A node running with another release or
        configuration is restarted."""
        if len(self.nodes) == 1:
            self.nodes[0].start(java, libs, report)
            return
        chosen = self._chosen(node_ids)
        to_start = [b for b in chosen if not b.stop_if_stale(report)]
        if not to_start:
            return
        for broker in to_start:
            broker.check_ports_free()
            broker.write_config()
        self._ensure_cluster_formatted(java, libs, report)
        started = [(b, b.spawn(java, libs, report)) for b in to_start]
        wait_ready(started, CLUSTER_START_TIMEOUT)

    def stop(self, report: Report, node_ids: list[int] | None = None) -> None:
        """SIGTERM the nodes (of ``node_ids``, or all) at once, so that each one's controlled
        shutdown still finds a quorum; SIGKILL what is left after STOP_GRACE."""
        signalled: list[tuple[LocalBroker, int]] = []
        for broker in self._chosen(node_ids):
            pid = broker.running_pid()
            if pid is None:
                report(f"{broker.name}: not running")
                broker.pid_file.unlink(missing_ok=True)
                continue
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            signalled.append((broker, pid))
        for broker, pid in signalled:
            broker.finish_stop(pid, report)

    def stop_node(self, node_id: int, report: Report) -> None:
        self.stop(report, [node_id])

    def kill_node(self, node_id: int, report: Report) -> None:
        self.node(node_id).kill(report)

    # -- helpers ------------------------------------------------------------------------

    def quorum_shape(self) -> str:
        """The voters as node id @ controller endpoint (what a node's ``quorum`` file keeps;
        the directory ids are chosen when formatting)."""
        return ",".join(f"{b.node_id}@{LOOPBACK}:{b.controller_port}" for b in self.nodes)

    def _ensure_cluster_formatted(self, java: str, libs: Path, report: Report) -> None:
        """Format every node when any one needs it: the quorum (its voters' directory ids)
        is fixed at format time, so a node cannot be formatted back into a cluster alone."""
        shape = self.quorum_shape()
        reasons = {b.node_id: r for b in self.nodes if (r := b.format_reason(shape))}
        if not reasons:
            return
        running = self.running_pids()
        if running:
            # Its data is about to go: nothing may run on it (`down` first).
            raise StackError(f"kafka nodes {sorted(running)} are running, but node "
                             f"{min(reasons)} must be formatted ({reasons[min(reasons)]}): "
                             "`gotong-stack down`, then `up` again")
        for node_id, reason in sorted(reasons.items()):
            if reason != "not formatted":
                report(f"kafka node {node_id}: {reason}: wiping every node of the cluster")
        voters = ",".join(f"{b.node_id}@{LOOPBACK}:{b.controller_port}:{new_cluster_id()}"
                          for b in self.nodes)
        for broker in self.nodes:
            broker.write_config()
            broker.format(java, libs, report, ["--initial-controllers", voters], shape)


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
