"""Resolved settings: where the stack lives, which ports, and which servers were given.

Everything comes from environment variables so that `make`, CI and tests configure the
stack the same way; `gotong-stack env` prints the result for shells.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from gotong_devstack.errors import PrerequisiteError

# The pinned broker: the release production runs (deploy/k8s/base/kafka/kafka.yaml, which
# tests/deploy holds to this pin), so tests exercise the broker the platform meets. 4.3.1 is
# the newest Kafka that Strimzi 1.2 (the newest operator release) supports; Maven Central
# has newer ones (4.4.0), which no Strimzi runs yet. It passes the aiokafka 0.14.0
# compatibility test (tests/test_kafka_compat.py). Move the pin, the manifests and that test
# together, when a Strimzi release supports a newer Kafka.
KAFKA_VERSION = "4.3.1"

DEFAULT_PG_PORT = 55432
# Fixed, non-default ports so a developer's own Kafka on 9092 never collides with ours.
KAFKA_PORT = 59092
KAFKA_CONTROLLER_PORT = 59093
LOOPBACK = "127.0.0.1"
# A local Kafka is one node (the default: fast, what `make test` uses) or a three-node KRaft
# cluster (`up --kafka-nodes 3`, GOTONG_KAFKA_NODES=3) whose topics are replicated three
# times, for the tests of a broker lost under load. Node N (1-based) listens on the base
# ports plus 10 * (N - 1): 59092/59093, 59102/59103, 59112/59113.
KAFKA_NODE_COUNTS = (1, 3)
KAFKA_NODE_PORT_STEP = 10

# The local broker authenticates every client with SASL/SCRAM-SHA-512 and authorizes it with
# ACLs (StandardAuthorizer), as the cluster does, so a test can prove what a partner's user
# may not read. This is the internal user every service, test and tool of the stack
# connects as (the broker's super user). Like the PostgreSQL cluster's trust auth, the
# default password is a development one, known to every checkout: the broker listens on
# loopback only, and a shared broker (GOTONG_KAFKA_BOOTSTRAP) needs no secret handed over.
KAFKA_USERNAME = "gotong"
KAFKA_PASSWORD = "gotong-dev-secret"  # noqa: S105 - a development credential, see above
KAFKA_SECURITY_PROTOCOL = "SASL_PLAINTEXT"
KAFKA_SASL_MECHANISM = "SCRAM-SHA-512"
# The password goes into a JAAS line and the storage tool's --add-scram argument: no quotes,
# separators or spaces.
_SECRET = re.compile(r"[A-Za-z0-9._~+/-]{8,128}")
_USERNAME = re.compile(r"[A-Za-z0-9._-]{1,64}")

SERVICE_DATABASES = (
    "gotong_members",
    "gotong_inventory",
    "gotong_payments",
    "gotong_reporting",
    "gotong_partners",
)


@dataclass(frozen=True)
class Settings:
    # None when no checkout was found; only an error once something local is needed, so
    # `env` and given servers work from anywhere.
    stack_root: Path | None
    cache_dir: Path
    pg_port: int
    kafka_version: str
    kafka_port: int
    kafka_controller_port: int
    # Set when the user points us at servers that already exist: we then only check them.
    pg_admin_dsn_given: str | None
    kafka_bootstrap_given: str | None
    # How clients authenticate: for the local broker, the user it is formatted with; for a
    # given broker, what it expects (GOTONG_KAFKA_SECURITY_PROTOCOL=PLAINTEXT for one
    # without authentication).
    kafka_username: str = KAFKA_USERNAME
    kafka_password: str = KAFKA_PASSWORD
    kafka_security_protocol: str = KAFKA_SECURITY_PROTOCOL
    kafka_sasl_mechanism: str = KAFKA_SASL_MECHANISM
    kafka_nodes: int = 1

    def kafka_node_ports(self, node_id: int) -> tuple[int, int]:
        """The client and controller ports of local node ``node_id`` (1-based)."""
        step = KAFKA_NODE_PORT_STEP * (node_id - 1)
        return self.kafka_port + step, self.kafka_controller_port + step

    @property
    def pg_admin_dsn(self) -> str:
        if self.pg_admin_dsn_given:
            return self.pg_admin_dsn_given
        return f"postgresql://postgres@{LOOPBACK}:{self.pg_port}/postgres"

    @property
    def kafka_bootstrap(self) -> str:
        if self.kafka_bootstrap_given:
            return self.kafka_bootstrap_given
        # Every node: a client that finds one of them down asks the next.
        return ",".join(f"{LOOPBACK}:{self.kafka_node_ports(n)[0]}"
                        for n in range(1, self.kafka_nodes + 1))

    @property
    def stack_dir(self) -> Path:
        if self.stack_root is None:
            raise PrerequisiteError(
                "cannot find the repository root from the current directory; "
                "run inside the checkout or set GOTONG_STACK_DIR"
            )
        return self.stack_root

    @property
    def pg_dir(self) -> Path:
        return self.stack_dir / "pg"

    @property
    def kafka_dir(self) -> Path:
        return self.stack_dir / "kafka"


def find_repo_root(start: Path) -> Path | None:
    """Walk up to the workspace root (the uv workspace pyproject, or the git checkout)."""
    for directory in (start, *start.parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "[tool.uv.workspace]" in pyproject.read_text("utf-8"):
            return directory
        # `.git` is a file in a git worktree, hence exists() rather than is_dir().
        if (directory / ".git").exists():
            return directory
    return None


def _stack_dir() -> Path | None:
    given = os.environ.get("GOTONG_STACK_DIR")
    if given:
        return Path(given).expanduser().resolve()
    # cwd first (the usual case); the package's own location covers tests run from elsewhere.
    root = find_repo_root(Path.cwd()) or find_repo_root(Path(__file__).resolve().parent)
    return None if root is None else root / ".stack"


def _port(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise PrerequisiteError(f"{name}={raw!r} is not a TCP port number")
    return port


def kafka_node_count(raw: str | int | None) -> int:
    """GOTONG_KAFKA_NODES or `up --kafka-nodes`: 1 (the default) or 3."""
    if raw is None or raw == "":
        return 1
    try:
        count = int(raw)
    except ValueError:
        count = -1
    if count not in KAFKA_NODE_COUNTS:
        raise PrerequisiteError(f"GOTONG_KAFKA_NODES={raw!r}: a local Kafka has 1 or 3 nodes "
                                "(a KRaft quorum of 3 voters survives the loss of one)")
    return count


def _kafka_credentials() -> tuple[str, str]:
    username = os.environ.get("GOTONG_KAFKA_SASL_USERNAME") or KAFKA_USERNAME
    password = os.environ.get("GOTONG_KAFKA_SASL_PASSWORD") or KAFKA_PASSWORD
    if not _USERNAME.fullmatch(username):
        raise PrerequisiteError("GOTONG_KAFKA_SASL_USERNAME: letters, digits, '.', '_' and "
                                "'-' only")
    if not _SECRET.fullmatch(password):
        raise PrerequisiteError("GOTONG_KAFKA_SASL_PASSWORD: 8 to 128 characters, no quotes, "
                                "commas, brackets or spaces")
    return username, password


def load_settings() -> Settings:
    username, password = _kafka_credentials()
    cache_root = os.environ.get("GOTONG_CACHE_DIR") or str(Path.home() / ".cache" / "gotong")
    return Settings(
        stack_root=_stack_dir(),
        cache_dir=Path(cache_root).expanduser().resolve(),
        pg_port=_port("GOTONG_PG_PORT", DEFAULT_PG_PORT),
        # A second stack beside the first (another checkout's) needs ports of its own.
        kafka_port=_port("GOTONG_KAFKA_PORT", KAFKA_PORT),
        kafka_controller_port=_port("GOTONG_KAFKA_CONTROLLER_PORT", KAFKA_CONTROLLER_PORT),
        # An escape hatch for trying another broker release; the pin above is the contract.
        kafka_version=os.environ.get("GOTONG_KAFKA_VERSION") or KAFKA_VERSION,
        pg_admin_dsn_given=os.environ.get("GOTONG_PG_ADMIN_DSN") or None,
        kafka_bootstrap_given=os.environ.get("GOTONG_KAFKA_BOOTSTRAP") or None,
        kafka_username=username,
        kafka_password=password,
        kafka_security_protocol=(os.environ.get("GOTONG_KAFKA_SECURITY_PROTOCOL")
                                 or KAFKA_SECURITY_PROTOCOL),
        kafka_sasl_mechanism=(os.environ.get("GOTONG_KAFKA_SASL_MECHANISM")
                              or KAFKA_SASL_MECHANISM),
        kafka_nodes=kafka_node_count(os.environ.get("GOTONG_KAFKA_NODES")),
    )
