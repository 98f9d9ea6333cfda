"""`make run` / `make stop`: the service processes on the local stack, plus a demo federation.

    python -m gotong_devstack.run          start what is not running, seed the demo, print URLs
    python -m gotong_devstack.run --stop   stop the processes `make run` started

The services: members (API 8001, relay), inventory (API 8002, relay, consumer), payments
(API 8003, relay, consumer), reporting (consumer, API 8004, relay: it publishes the SHU
engine's events) and the partner gateway (API 8005, relay, consumer, webhooks). The same processes
as the production manifests' Deployments (a test compares them). The consumers serve their
Prometheus metrics on 9102 (inventory), 9103 (payments), 9104 (reporting) and 9105
(partners), the relays on 9111-9115 (members, inventory, payments, reporting, partners).
`GOTONG_RUN_PORT_OFFSET=N` adds N to every one of these ports, for a second platform on a
stack of its own beside the first.

Before them it starts the local OpenID Connect issuer (`python -m gotong_oidc serve`, on
8010, its keys in `oidc/keys.json` under the stack directory): every service verifies its
tokens with its JWKS (beside the development HS256 key, which the demo's seeding and
`gotong-token` use), and the dashboard signs its users in there (authorization code with
PKCE). Its users are in `tools/oidc/dev-users.json` (federation admin, a regional officer
of Nusa Tenggara Timur, the admin and the clerk of the demo's weaving cooperative, whose id
is written to `oidc/cooperatives.json` once seeded). It is no production process: the
federation runs its own issuer.

The first URL printed is the dashboard (`/dashboard` of reporting), where "Masuk" signs in
at the issuer. With `GOTONG_OPEN_DASHBOARD=1` it is also opened in the desktop's browser.

`make up` has started PostgreSQL and Kafka already (`make run` depends on it). This module
only adds, under the stack directory (`.stack/`):

* `dev-jwt.key` (made by `gotong-token init-key`), `dev-nik.key` and `dev-pseudonym.key`
  (base64 of 32 random bytes, mode 0600; the partners' pseudonymous references): development
  secrets, created once and then kept;
* `demo-today`: the day the demo is dated to, the day of its first seeding (`demo_day`):
  the demo covers the last three months up to it;
* one background process per service role, in its own session, with its output in
  `logs/<name>.log` (the previous run's in `<name>.log.1`) and its pid in `run/<name>.pid`.
  A pid file that names a live process of that role means "already running": it is left
  alone, so `make run` can be repeated.

Exit codes: 0 done; 1 something failed (a log tail or the API's problem+json is printed);
2 a prerequisite is missing (the stack is not up, the venv lacks `gotong-token`).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gotong_devstack import demo, economy, economy_seed
from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.proc import (
    file_tail,
    port_open,
    process_alive,
    process_cmdline,
    read_pid,
    split_host_port,
)
from gotong_devstack.settings import LOOPBACK, Settings, load_settings
from gotong_devstack.stack import kafka_client_auth

PORT_OFFSET_ENV = "GOTONG_RUN_PORT_OFFSET"


def _port_offset() -> int:
    """Added to every port below, so a second platform (a chaos or soak run on a stack of
    its own) can run beside the developer's without a clash; 0 unless set."""
    raw = os.environ.get(PORT_OFFSET_ENV, "0")
    try:
        offset = int(raw)
    except ValueError:
        raise SystemExit(f"{PORT_OFFSET_ENV} must be a whole number, not {raw!r}") from None
    if not 0 <= offset <= 50000:
        raise SystemExit(f"{PORT_OFFSET_ENV} must be between 0 and 50000, not {offset}")
    return offset


_OFFSET = _port_offset()
MEMBERS_PORT = 8001 + _OFFSET
INVENTORY_PORT = 8002 + _OFFSET
PAYMENTS_PORT = 8003 + _OFFSET
REPORTING_PORT = 8004 + _OFFSET
PARTNERS_PORT = 8005 + _OFFSET
MEMBERS_URL = f"http://{LOOPBACK}:{MEMBERS_PORT}"
INVENTORY_URL = f"http://{LOOPBACK}:{INVENTORY_PORT}"
PAYMENTS_URL = f"http://{LOOPBACK}:{PAYMENTS_PORT}"
REPORTING_URL = f"http://{LOOPBACK}:{REPORTING_PORT}"
PARTNERS_URL = f"http://{LOOPBACK}:{PARTNERS_PORT}"
# The consumers' Prometheus endpoints: set explicitly, so the three never share a port.
INVENTORY_METRICS_PORT = 9102 + _OFFSET
PAYMENTS_METRICS_PORT = 9103 + _OFFSET
REPORTING_METRICS_PORT = 9104 + _OFFSET
PARTNERS_METRICS_PORT = 9105 + _OFFSET
ISSUER_PORT = 8010 + _OFFSET
ISSUER_URL = f"http://{LOOPBACK}:{ISSUER_PORT}"
DASHBOARD_CLIENT_ID = "gotong-dashboard"  # as tools/oidc/dev-users.json registers it
DEV_USERS = ("ayu", "yohanes", "maria", "rambu")  # their password: gotong-dev
# The relays' (their services' defaults, 9111-9115): set here too, or a second platform's
# relays would find the first one's ports taken.
MEMBERS_RELAY_METRICS_PORT = 9111 + _OFFSET
INVENTORY_RELAY_METRICS_PORT = 9112 + _OFFSET
PAYMENTS_RELAY_METRICS_PORT = 9113 + _OFFSET
REPORTING_RELAY_METRICS_PORT = 9114 + _OFFSET
PARTNERS_RELAY_METRICS_PORT = 9115 + _OFFSET
SUMMARY_PATH = "/federation/summary"
DASHBOARD_PATH = "/dashboard"
OPEN_DASHBOARD_ENV = "GOTONG_OPEN_DASHBOARD"

HEALTH_TIMEOUT = 60.0
SUMMARY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Service:
    name: str
    args: tuple[str, ...]  # after `python`
    env_prefix: str
    database: str
    port: int | None = None  # set for the HTTP APIs, which are waited for on /health
    nik_key: bool = False
    metrics_port: int | None = None  # a consumer's Prometheus endpoint
    relay_metrics_port: int | None = None  # a relay's (the same endpoint: /metrics, /ready)
    pseudonym_key: bool = False  # the partner gateway's key of pseudonymous references
    # Settings that hold only on a developer's machine (e.g. webhooks to plain http).
    development: tuple[tuple[str, str], ...] = ()

    @property
    def health_url(self) -> str | None:
        return None if self.port is None else f"http://{LOOPBACK}:{self.port}/health"


def _process(service: str, role: str, *, port: int | None = None, nik_key: bool = False,
             metrics_port: int | None = None, pseudonym_key: bool = False,
             relay_metrics_port: int | None = None,
             development: tuple[tuple[str, str], ...] = ()) -> Service:
    """One process of ``service``, ``python -m <service> <role>`` (an API on ``port``),
    with the service's settings prefix and database."""
    args = ("-m", service, role, *(() if port is None else ("--port", str(port))))
    return Service(f"{service}-{role}", args, f"GOTONG_{service.upper()}_", f"gotong_{service}",
                   port=port, nik_key=nik_key, metrics_port=metrics_port,
                   relay_metrics_port=relay_metrics_port, pseudonym_key=pseudonym_key,
                   development=tuple((f"GOTONG_{service.upper()}_{k}", v) for k, v in development))


SERVICES: tuple[Service, ...] = (
    # A member's page (payments' /anggota/) signs her in here; locally the code goes to
    # the members API's log (no SMS gateway on a developer's machine).
    _process("members", "api", port=MEMBERS_PORT, nik_key=True,
             development=(("SIGN_IN_SENDER", "log"),
                          ("CORS_ORIGINS", json.dumps([PAYMENTS_URL])))),
    _process("members", "relay", relay_metrics_port=MEMBERS_RELAY_METRICS_PORT, nik_key=True),
    _process("inventory", "api", port=INVENTORY_PORT),
    _process("inventory", "relay", relay_metrics_port=INVENTORY_RELAY_METRICS_PORT),
    _process("inventory", "consumer", metrics_port=INVENTORY_METRICS_PORT),
    # The member's page (payments' /anggota/) reads her SHU and her cooperative's
    # summary from reporting's API, which allows the page's origin.
    _process("payments", "api", port=PAYMENTS_PORT,
             development=(("MEMBERS_API_URL", MEMBERS_URL),
                          ("REPORTING_API_URL", REPORTING_URL))),
    _process("payments", "relay", relay_metrics_port=PAYMENTS_RELAY_METRICS_PORT),
    _process("payments", "consumer", metrics_port=PAYMENTS_METRICS_PORT),
    _process("reporting", "consumer", metrics_port=REPORTING_METRICS_PORT),
    # The dashboard's partner pages read the gateway's API from the browser.
    _process("reporting", "api", port=REPORTING_PORT,
             development=(("PARTNERS_API_URL", PARTNERS_URL),
                          ("DASHBOARD_CLIENT_ID", DASHBOARD_CLIENT_ID),
                          ("CORS_ORIGINS", json.dumps([PAYMENTS_URL])))),
    # The SHU engine writes its events to reporting's outbox: without its relay they
    # would wait there and never reach gotong.reporting.events.
    _process("reporting", "relay", relay_metrics_port=REPORTING_RELAY_METRICS_PORT),
    # The partner gateway: the only way data leaves the platform.
    # Locally, a partner's webhook may be a plain http endpoint on this machine.
    _process("partners", "api", port=PARTNERS_PORT, pseudonym_key=True,
             development=(("WEBHOOK_ALLOW_HTTP", "true"),
                          ("CORS_ORIGINS", json.dumps([REPORTING_URL])))),
    _process("partners", "relay", relay_metrics_port=PARTNERS_RELAY_METRICS_PORT),
    _process("partners", "consumer", metrics_port=PARTNERS_METRICS_PORT, pseudonym_key=True),
    _process("partners", "webhooks"),
)


def issuer_service(paths: Paths) -> Service:
    """The local OpenID Connect issuer: apart from SERVICES, which are the production
    processes (the federation's issuer is not one of Gotong's)."""
    return Service("oidc-issuer", ("-m", "gotong_oidc", "serve", "--port", str(ISSUER_PORT),
                                   "--state-dir", str(paths.oidc.resolve())),
                   "GOTONG_OIDC_", "", port=ISSUER_PORT)


def _say(message: str = "") -> None:
    print(message, flush=True)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


class RunError(StackError):
    """A failure whose explanation has already been printed in full (log tail, problem)."""


# --- paths and settings -------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    stack: Path

    @property
    def root(self) -> Path:
        return self.stack.parent

    @property
    def jwt_key(self) -> Path:
        return self.stack / "dev-jwt.key"

    @property
    def nik_key(self) -> Path:
        return self.stack / "dev-nik.key"

    @property
    def pseudonym_key(self) -> Path:
        return self.stack / "dev-pseudonym.key"

    @property
    def oidc(self) -> Path:
        return self.stack / "oidc"

    @property
    def demo_today(self) -> Path:
        return self.stack / "demo-today"

    @property
    def logs(self) -> Path:
        return self.stack / "logs"

    @property
    def run(self) -> Path:
        return self.stack / "run"

    def log(self, service: Service) -> Path:
        return self.logs / f"{service.name}.log"

    def pid_file(self, service: Service) -> Path:
        return self.run / f"{service.name}.pid"


def service_dsn(admin_dsn: str, database: str) -> str:
    """The admin DSN with its database replaced (host, port, user and options kept)."""
    parts = urlsplit(admin_dsn)
    if parts.scheme not in ("postgresql", "postgres") or not parts.netloc:
        raise PrerequisiteError(
            "the PostgreSQL admin DSN must be a postgresql://user@host:port/db URL"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


def _display(path: Path) -> str:
    """`path` relative to the current directory when it lies below it (shorter to read)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _tool(name: str) -> Path:
    # The console scripts sit next to the venv's python. sys.executable is not resolved:
    # the venv's bin/python is a symlink to the base interpreter, whose bin has no scripts.
    path = Path(sys.executable).parent / name
    if not path.is_file():
        raise PrerequisiteError(f"{path} not found: run `make setup` first")
    return path


# --- the stack ----------------------------------------------------------------------


def check_stack(settings: Settings) -> None:
    """PostgreSQL and Kafka must answer; starting them is `make up`'s job, not ours."""
    pg = urlsplit(settings.pg_admin_dsn)
    pg_host, pg_port = pg.hostname or LOOPBACK, pg.port or 5432
    first_broker = settings.kafka_bootstrap.split(",")[0]
    kafka_host, kafka_port = split_host_port(first_broker, 9092)
    down = [f"PostgreSQL ({pg_host}:{pg_port})"] if not port_open(pg_host, pg_port) else []
    if not port_open(kafka_host, kafka_port):
        down.append(f"Kafka ({kafka_host}:{kafka_port})")
    if down:
        raise PrerequisiteError(f"{' and '.join(down)} not answering: run `make up` first")


# --- secrets ------------------------------------------------------------------------


def ensure_secrets(paths: Paths) -> str:
    """Create the development keys if missing; return the NIK key (base64)."""
    if not paths.jwt_key.exists():
        result = subprocess.run(  # noqa: S603 - fixed argv
            [str(_tool("gotong-token")), "init-key", "--key-file", str(paths.jwt_key)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False,
        )
        if result.returncode != 0:
            raise StackError(f"gotong-token init-key failed: {result.stderr.strip()}")
        _say(f"created {_display(paths.jwt_key)}")
    _random_key(paths.pseudonym_key, paths)
    return _random_key(paths.nik_key, paths)


def _random_key(path: Path, paths: Paths) -> str:
    """The base64 key in ``path``, created (32 random bytes, mode 0600) when missing."""
    if not path.exists():
        paths.stack.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL with the mode: never readable by others, and a concurrent run cannot
            # overwrite a key the other one already handed to a service.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(base64.b64encode(os.urandom(32)).decode() + "\n")
            _say(f"created {_display(path)}")
    key = path.read_text("ascii").strip()
    if len(base64.b64decode(key, validate=True)) < 32:
        raise StackError(f"{path} must hold base64 of at least 32 bytes")
    return key


# --- processes ----------------------------------------------------------------------


def service_env(
    service: Service, settings: Settings, paths: Paths, nik_key: str,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    p = service.env_prefix
    # An inline key from the developer's shell would win over the key file in the services,
    # and the demo's tokens (signed with the file) would then be refused.
    env.pop(f"{p}JWT_KEY", None)
    env.update({
        f"{p}DATABASE_URL": service_dsn(settings.pg_admin_dsn, service.database),
        f"{p}KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        f"{p}JWT_KEY_FILE": str(paths.jwt_key.resolve()),
        # Tokens of the local issuer, verified with its JWKS (which its key rotation
        # changes: `python -m gotong_oidc rotate --url ...`).
        f"{p}OIDC_ISSUER": ISSUER_URL,
        f"{p}OIDC_JWKS_URL": f"{ISSUER_URL}/jwks",
        "PYTHONUNBUFFERED": "1",  # so the logs are current when we show their tail
        # Each process's name in a trace, as the Deployments name theirs (inventory-api,
        # inventory-relay, ...): with OTEL_EXPORTER_OTLP_ENDPOINT set (`make jaeger`), the
        # API, the relay and the consumer of a service are told apart.
        "OTEL_SERVICE_NAME": service.name,
    })
    # The broker authenticates every client (SASL/SCRAM): each service logs in as the
    # stack's internal user (the cluster gives each its own user and ACLs: deploy/k8s).
    auth = kafka_client_auth(settings)
    for name, value in auth.env().items():
        env[p + name.removeprefix("GOTONG_")] = value
    if service.nik_key:
        env[f"{p}NIK_KEY"] = nik_key
    if service.metrics_port is not None:
        env[f"{p}CONSUMER_METRICS_PORT"] = str(service.metrics_port)
    if service.relay_metrics_port is not None:
        env[f"{p}RELAY_METRICS_PORT"] = str(service.relay_metrics_port)
    env.update(service.development)
    if service.pseudonym_key:  # created by ensure_secrets
        env[f"{p}PSEUDONYM_KEY"] = paths.pseudonym_key.read_text("ascii").strip()
    return env


def running_pid(service: Service, paths: Paths) -> int | None:
    """The pid in the service's pid file if that process is alive and runs this role."""
    pid = read_pid(paths.pid_file(service))
    if pid is None or not process_alive(pid):
        return None
    cmdline = process_cmdline(pid)
    # A pid can be reused by an unrelated process after a reboot or a crash: check the role.
    if cmdline is None or cmdline[-len(service.args):] != list(service.args):
        return None
    return pid


@dataclass
class Started:
    service: Service
    pid: int
    child: subprocess.Popen[bytes] | None  # None when it was already running

    def alive(self) -> bool:
        if self.child is not None:
            return self.child.poll() is None
        return process_alive(self.pid)


def start_services(
    services: Sequence[Service], settings: Settings, paths: Paths, nik_key: str
) -> list[Started]:
    paths.logs.mkdir(parents=True, exist_ok=True)
    paths.run.mkdir(parents=True, exist_ok=True)
    started: list[Started] = []
    for service in services:
        pid = running_pid(service, paths)
        if pid is not None:
            _say(f"{service.name}: already running (pid {pid})")
            started.append(Started(service, pid, None))
            continue
        for port in (service.port, service.metrics_port, service.relay_metrics_port):
            if port is not None and port_open(LOOPBACK, port):
                raise StackError(
                    f"port {port} ({service.name}) is in use by a process `make run` did not "
                    f"start; stop it, then run `make run` again"
                )
        log = paths.log(service)
        if log.exists():
            log.replace(log.with_name(log.name + ".1"))
        with log.open("ab") as output:
            child = subprocess.Popen(  # noqa: S603 - fixed argv
                [sys.executable, *service.args],
                cwd=paths.root,
                env=service_env(service, settings, paths, nik_key),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C in the terminal of `make run` does not reach it,
                # and it keeps running after we exit.
                start_new_session=True,
            )
        paths.pid_file(service).write_text(f"{child.pid}\n", "ascii")
        _say(f"{service.name}: started (pid {child.pid}), log {_display(log)}")
        started.append(Started(service, child.pid, child))
    return started


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:  # noqa: S310 - local http
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _failed(item: Started, paths: Paths, what: str) -> RunError:
    log = paths.log(item.service)
    print(f"{item.service.name}: {what}; the end of {_display(log)}:", file=sys.stderr)
    print(file_tail(log, 40), file=sys.stderr, flush=True)
    return RunError(f"{item.service.name} did not start; `make stop` stops the others")


def wait_healthy(started: Sequence[Started], paths: Paths, timeout: float) -> None:
    """Every API answers /health and every process is still alive, or RunError."""
    deadline = time.monotonic() + timeout
    waiting = [s for s in started if s.service.health_url is not None]
    while True:
        for item in started:
            if not item.alive():
                raise _failed(item, paths, "exited")
        waiting = [s for s in waiting if not _healthy(s.service.health_url or "")]
        if not waiting:
            break
        if time.monotonic() > deadline:
            item = waiting[0]
            raise _failed(item, paths, f"no answer on {item.service.health_url} "
                                       f"within {timeout:.0f} s")
        time.sleep(0.5)
    # A consumer or relay that crashes on start (a bad setting) does so within a moment.
    time.sleep(1.0)
    for item in started:
        if not item.alive():
            raise _failed(item, paths, "exited")


def stop_services(services: Sequence[Service], paths: Paths, timeout: float) -> None:
    """SIGTERM every process we started, SIGKILL what is left after `timeout`. Idempotent."""
    pids: dict[str, int] = {}
    for service in reversed(services):
        pid_file = paths.pid_file(service)
        pid = running_pid(service, paths)
        if pid is None:
            if pid_file.exists():
                pid_file.unlink(missing_ok=True)
                _say(f"{service.name}: not running (removed a stale pid file)")
            else:
                _say(f"{service.name}: not running")
            continue
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        pids[service.name] = pid
    deadline = time.monotonic() + timeout
    while any(process_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    for service in reversed(services):
        if service.name not in pids:
            continue
        pid = pids[service.name]
        how = "stopped"
        if process_alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
                how = f"killed (no exit within {timeout:.0f} s of SIGTERM)"
            except ProcessLookupError:
                pass
        paths.pid_file(service).unlink(missing_ok=True)
        _say(f"{service.name}: {how} (pid {pid})")


# --- tokens -------------------------------------------------------------------------


def make_mint(paths: Paths) -> demo.Mint:
    cli = _tool("gotong-token")

    def mint(role: str, subject: str, cooperative_id: str | None) -> str:
        argv = [str(cli), "mint", "--role", role, "--subject", subject,
                "--key-file", str(paths.jwt_key)]
        if cooperative_id is not None:
            argv += ["--cooperative", cooperative_id]
        result = subprocess.run(  # noqa: S603 - fixed argv
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
            check=False,
        )
        if result.returncode != 0 or not result.stdout.strip():
            raise StackError(f"gotong-token mint failed: {result.stderr.strip()}")
        return result.stdout.strip()

    return mint


# --- seeding and the summary -------------------------------------------------------


ENDPOINTS = economy_seed.Endpoints(inventory=INVENTORY_URL, payments=PAYMENTS_URL)
START_AFRESH = "make stop && make down && rm -rf .stack && make run"


def _seeding_failed(exc: demo.ApiError | economy_seed.EconomyError, paths: Paths,
                    what: str) -> RunError:
    print(f"seeding failed: {exc}", file=sys.stderr)
    if isinstance(exc, demo.ApiError):
        print(exc.pretty_body(), file=sys.stderr)
        problem = exc.problem or {}
        if problem.get("code") == "idempotency-key-reused":
            print(f"the demo data changed since these databases were seeded; start afresh: "
                  f"{START_AFRESH}", file=sys.stderr)
    print(f"(service logs: {_display(paths.logs)})", file=sys.stderr, flush=True)
    return RunError(f"seeding {what} failed")


def demo_day(paths: Paths, today: date) -> date:
    """The day the demo is dated to: the day it was first seeded into these databases.

    Every demo date is relative to it (the last three months up to it), and the request
    bodies, hashed with their Idempotency-Keys, must be the same on every run: so the first
    run keeps its day in `.stack/demo-today` and later runs read it back, whatever the clock
    says. Starting afresh (`START_AFRESH`) removes it with the databases.
    """
    path = paths.demo_today
    paths.stack.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two runs started at once agree on the day the first one wrote.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        text = path.read_text("ascii").strip()
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f"{today.isoformat()}\n")
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise StackError(f"{_display(path)} must hold the demo's day (YYYY-MM-DD), not "
                         f"{text!r}; start afresh: {START_AFRESH}") from None
    if day > today:
        raise StackError(f"{_display(path)} dates the demo {day.isoformat()}, after today "
                         f"({today.isoformat()}): is the clock right? Or start afresh: "
                         f"{START_AFRESH}")
    return day


@dataclass
class Seeding:
    """What the members seeding hands on to the economy's."""

    day: date  # the demo's dates are relative to it (`demo_day`)
    federation: tuple[demo.DemoCoop, ...]
    result: demo.SeedResult
    mint: demo.Mint
    tokens: economy_seed.Tokens
    counts: economy_seed.Counts


def seed_demo(paths: Paths) -> Seeding:
    today = demo.business_today()
    day = demo_day(paths, today)
    try:
        federation = demo.build_demo(day)
    except ValueError as exc:
        raise PrerequisiteError(str(exc)) from None
    dates = DemoDates.of(day)
    _say(f"the demo runs over {', '.join(dates.months)}, up to {dates.until.isoformat()} "
         f"(dated to {day.isoformat()}, the day of its first seeding)")
    if day < today:
        _say(f"  to date it to today instead, start afresh: {START_AFRESH}")
    mint = make_mint(paths)
    tokens = economy_seed.Tokens(mint)
    counts = economy_seed.Counts()
    _say(f"seeding the demo federation through {MEMBERS_URL} ...")
    # Each cooperative's savings policy is set (in payments) as soon as it has joined, so
    # its members' pokok accounts open with the policy's amount.
    hook = economy_seed.policy_hook(ENDPOINTS, tokens, counts)
    try:
        result = demo.seed(federation, MEMBERS_URL, mint, after_join=hook)
    except (demo.ApiError, economy_seed.EconomyError) as exc:
        raise _seeding_failed(exc, paths, "the demo federation") from None
    _say(f"  {result.created} requests created data, {result.replayed} were replays "
         f"of an earlier run")
    for coop in federation:
        spec = coop.spec
        statuses = demo.status_counts([coop])
        detail = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        _say(f"  {spec.name} ({spec.coop_type}; {spec.regency.name} {spec.regency.code}, "
             f"{spec.regency.time_zone}): {len(coop.applicants)} applicants: {detail}")
    return Seeding(day, federation, result, mint, tokens, counts)


def seed_economy(paths: Paths, seeding: Seeding) -> None:
    """Savings, loans, shops and produce (the `economy` package), then what the APIs hold."""
    economies = economy.build_economy(seeding.federation, seeding.day)
    counts = seeding.counts
    _say(f"seeding savings, loans, shops and produce through {PAYMENTS_URL} and "
         f"{INVENTORY_URL} ...")
    started = time.monotonic()
    try:
        records = economy_seed.seed_economy(
            economies, seeding.federation, seeding.result.cooperative_ids,
            seeding.result.member_ids, ENDPOINTS, seeding.tokens, counts)
        seeded = time.monotonic()
        still_open = economy_seed.settle(records, ENDPOINTS, seeding.tokens)
        summary = economy_seed.summarise(records, ENDPOINTS, seeding.tokens)
    except (demo.ApiError, economy_seed.EconomyError) as exc:
        raise _seeding_failed(exc, paths, "savings, loans, shops and produce") from None
    _say(f"  {counts.created} requests created data, {counts.replayed} were replays of an "
         f"earlier run; offline facts: {counts.accepted} recorded now, {counts.duplicates} "
         f"duplicates ({seeded - started:.1f} s, reactions settled after "
         f"{time.monotonic() - seeded:.1f} s)")
    for item in still_open:
        _warn(f"{item} after {economy_seed.SETTLE_TIMEOUT:.0f} s (see the consumer logs)")
    for line in summary:
        _say(line)


def check_summary(federation: Sequence[demo.DemoCoop], mint: demo.Mint, timeout: float) -> None:
    """Wait until the reporting read model has caught up; warn (never fail) otherwise."""
    expected = demo.status_counts(federation)["admitted"]
    token = mint("federation_admin", demo.ADMIN_SUBJECT, None)
    deadline = time.monotonic() + timeout
    seen: int | None = None
    problem = ""
    while True:
        try:
            reply = demo.call(REPORTING_URL, "GET", SUMMARY_PATH, token=token, timeout=5.0)
        except demo.ApiError as exc:
            problem = f"{exc}: {exc.body[:300]}"
        else:
            seen = demo.admitted_in_summary(reply.data)
            if seen is None:
                _warn(f"{REPORTING_URL}{SUMMARY_PATH} has no members.by_status.admitted; "
                      f"not checking the projection")
                return
            if seen == expected:
                coops = reply.data.get("cooperatives") if isinstance(reply.data, dict) else None
                where = f" in {coops} cooperatives" if coops is not None else ""
                _say(f"reporting: {seen} admitted members{where}, as seeded")
                return
        if time.monotonic() > deadline:
            break
        time.sleep(1.0)
    if seen is None:
        _warn(f"the reporting summary did not answer within {timeout:.0f} s ({problem})")
    else:
        _warn(f"after {timeout:.0f} s the reporting summary shows {seen} admitted members, "
              f"{expected} were seeded: the projection may still be catching up, or the "
              f"databases hold more than the demo (see the reporting-consumer log)")


def write_issuer_cooperatives(paths: Paths, cooperative_ids: Mapping[str, str]) -> None:
    """The seeded cooperatives' ids by slug, for the issuer's cooperative users."""
    paths.oidc.mkdir(parents=True, exist_ok=True)
    target = paths.oidc / "cooperatives.json"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(dict(cooperative_ids), sort_keys=True), "utf-8")
    tmp.replace(target)


def print_dashboard() -> str:
    """The dashboard's URL and who may sign in there, first of all; returns the URL."""
    url = f"{REPORTING_URL}{DASHBOARD_PATH}"
    _say()
    _say(f"Open the dashboard and sign in (\"Masuk\") at the local issuer ({ISSUER_URL}):")
    _say(f"  dashboard           {url}")
    _say(f"  partner pages       {url}?view=partners")
    _say(f"  users               {', '.join(DEV_USERS)} (password gotong-dev; see "
         "tools/oidc/dev-users.json)")
    return url


def open_dashboard(url: str, environ: Mapping[str, str] | None = None) -> None:
    """Open ``url`` in the desktop's browser when GOTONG_OPEN_DASHBOARD=1 asks for it."""
    if (os.environ if environ is None else environ).get(OPEN_DASHBOARD_ENV) != "1":
        return
    if not webbrowser.open_new_tab(url):
        _warn("no browser could be opened; open the dashboard link above")


def print_urls(paths: Paths) -> None:
    venv_token = _display(_tool("gotong-token"))
    key = _display(paths.jwt_key)
    _say()
    _say("Gotong is running:")
    _say(f"  dashboard           {REPORTING_URL}{DASHBOARD_PATH}  (signs in at {ISSUER_URL})")
    _say(f"  members API docs    {MEMBERS_URL}/docs")
    _say(f"  inventory API docs  {INVENTORY_URL}/docs")
    _say(f"  payments API docs   {PAYMENTS_URL}/docs")
    _say(f"  a member's page     {PAYMENTS_URL}/anggota/ (a clerk records her phone; the "
         "code is in the members API's log)")
    _say(f"  public catalogue    {INVENTORY_URL}/katalog/<cooperative id>  (no sign-in; "
         "feed.csv and feed.xml beside it; the ids: GET /cooperatives on the members API)")
    _say(f"  reporting API docs  {REPORTING_URL}/docs")
    _say(f"  partners API docs   {PARTNERS_URL}/docs")
    _say(f"  federation summary  {REPORTING_URL}{SUMMARY_PATH}  (needs a bearer token)")
    _say("A token for the APIs:")
    _say(f"  {venv_token} mint --role federation_admin --key-file {key}")
    _say(f'  curl -H "Authorization: Bearer $({venv_token} mint --role federation_admin '
         f'--key-file {key})" {REPORTING_URL}{SUMMARY_PATH}')
    _say(f"Logs: {_display(paths.logs)}/   Stop the services: make stop "
         f"(the stack keeps running; make down stops it)")


# --- entry point --------------------------------------------------------------------


def run(settings: Settings) -> int:
    began = time.monotonic()
    paths = Paths(settings.stack_dir)
    check_stack(settings)
    nik_key = ensure_secrets(paths)
    started = start_services((issuer_service(paths), *SERVICES), settings, paths, nik_key)
    wait_healthy(started, paths, HEALTH_TIMEOUT)
    seeding = seed_demo(paths)
    check_summary(seeding.federation, seeding.mint, SUMMARY_TIMEOUT)
    seed_economy(paths, seeding)
    write_issuer_cooperatives(paths, seeding.result.cooperative_ids)
    dashboard = print_dashboard()
    print_urls(paths)
    _say(f"make run took {time.monotonic() - began:.1f} s")
    open_dashboard(dashboard)
    return 0


def stop(settings: Settings) -> int:
    paths = Paths(settings.stack_dir)
    stop_services((issuer_service(paths), *SERVICES), paths, STOP_TIMEOUT)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gotong_devstack.run",
        description="Start the Gotong services on the local stack and seed a demo federation.",
    )
    parser.add_argument("--stop", action="store_true",
                        help="stop the service processes started by `make run`")
    args = parser.parse_args(argv)
    command = "stop" if args.stop else "run"
    try:
        settings = load_settings()
        return stop(settings) if args.stop else run(settings)
    except StackError as exc:  # RunError too: its details were printed when it happened
        print(f"make {command}: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
