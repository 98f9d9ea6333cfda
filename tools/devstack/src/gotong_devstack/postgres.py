"""A project-local PostgreSQL cluster, or a check of a server the user gave us."""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shlex
import shutil
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from gotong_devstack.errors import PrerequisiteError, StackError
from gotong_devstack.proc import (
    Report,
    file_tail,
    output_tail,
    port_open,
    process_cmdline,
    run,
)
from gotong_devstack.settings import LOOPBACK, SERVICE_DATABASES, Settings

INSTALL_HINT = "apt-get install postgresql-15"
CLIENT_HINT = "apt-get install postgresql-client-15"
SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")
# Where Debian/Ubuntu put versioned server binaries; 15 is the version the project targets.
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
PREFERRED_MAJOR = "15"
# sun_path is 108 bytes on Linux; the socket file name adds ".s.PGSQL.<port>".
MAX_SOCKET_DIR_LEN = 90
CONF_NAME = "gotong.conf"


@dataclass(frozen=True)
class PgStatus:
    running: bool
    pid: int | None
    version: str | None
    detail: str


@dataclass(frozen=True)
class Binaries:
    bindir: Path

    def tool(self, name: str) -> str:
        return str(self.bindir / name)

    @cached_property
    def version(self) -> str:
        result = run([self.tool("pg_ctl"), "--version"])
        match = re.search(r"(\d+(?:\.\d+)?)", result.stdout)
        return match.group(1) if match else "unknown"


def _has_server_tools(bindir: Path) -> bool:
    return all(os.access(bindir / tool, os.X_OK) for tool in SERVER_TOOLS)


def find_binaries() -> Binaries:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = run([pg_config, "--bindir"])
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))
    # pg_config belongs to libpq-dev and may name a version whose server is not installed.
    versions = sorted(
        DEBIAN_PG_ROOT.glob("*/bin"),
        key=lambda p: (p.parent.name != PREFERRED_MAJOR, -_major(p.parent.name)),
    )
    candidates.extend(versions)
    on_path = shutil.which("pg_ctl")
    if on_path:
        # /usr/local/bin/pg_ctl is often a symlink into the versioned bindir.
        candidates.extend([Path(on_path).resolve().parent, Path(on_path).parent])
    for bindir in candidates:
        if _has_server_tools(bindir):
            return Binaries(bindir)
    raise PrerequisiteError(
        f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: {INSTALL_HINT}, "
        "or set GOTONG_PG_ADMIN_DSN to use an existing server"
    )


def _major(name: str) -> int:
    return int(name) if name.isdigit() else 0


def find_client(name: str) -> str | None:
    """psql/pg_isready: from the server's bindir when there is one, else from PATH."""
    try:
        path = find_binaries().bindir / name
        if os.access(path, os.X_OK):
            return str(path)
    except PrerequisiteError:
        pass
    return shutil.which(name)


class LocalCluster:
    """The cluster in `<stack>/pg/data`, run as the `postgres` OS user when we are root."""

    def __init__(self, settings: Settings, binaries: Binaries) -> None:
        self.settings = settings
        self.bin = binaries
        self.pg_dir = settings.pg_dir
        self.data_dir = settings.pg_dir / "data"
        self.log_file = settings.pg_dir / "postgres.log"
        self.port = settings.pg_port
        # PostgreSQL refuses to run as root, so root delegates to the postgres user.
        self.as_root = os.geteuid() == 0

    # -- running commands -------------------------------------------------------------

    def _as_owner(self, argv: list[str]) -> list[str]:
        if not self.as_root:
            return argv
        if shutil.which("runuser"):
            return ["runuser", "-u", "postgres", "--", *argv]
        return ["su", "-s", "/bin/sh", "postgres", "-c", shlex.join(argv)]

    def _owner(self) -> pwd.struct_passwd:
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            raise PrerequisiteError(
                f"running as root needs the OS user 'postgres' to run PostgreSQL: {INSTALL_HINT} "
                "(it creates that user), or set GOTONG_PG_ADMIN_DSN"
            ) from None

    def _run_owner(self, argv: list[str], timeout: float = 120.0) -> tuple[int, str]:
        # cwd inside our own tree: postgres cannot chdir into e.g. /root and would warn.
        result = run(self._as_owner(argv), cwd=self.pg_dir, timeout=timeout)
        return result.returncode, output_tail(result)

    # -- paths and ownership ----------------------------------------------------------

    @property
    def socket_dir(self) -> Path:
        inside = self.pg_dir / "sock"
        if len(str(inside)) <= MAX_SOCKET_DIR_LEN:
            return inside
        # A deep checkout would overflow the socket path limit; fall back to /tmp.
        digest = hashlib.sha256(str(self.pg_dir).encode()).hexdigest()[:12]
        return Path("/tmp") / f"gotong-pg-{digest}"  # noqa: S108 - private per-stack dir

    def _prepare_dirs(self, report: Report) -> None:
        for directory in (self.pg_dir, self.socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
        if not self.as_root:
            return
        owner = self._owner()
        for directory in (self.pg_dir, self.socket_dir):
            if directory.stat().st_uid != owner.pw_uid:
                _chown_tree(directory, owner.pw_uid, owner.pw_gid)
        for directory in {*self.pg_dir.parents, *self.socket_dir.parents}:
            _make_traversable(directory, owner, report)

    # -- state --------------------------------------------------------------------------

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def running_pid(self) -> int | None:
        """The postmaster's pid from postmaster.pid, if that process is alive."""
        try:
            first_line = (self.data_dir / "postmaster.pid").read_text().splitlines()[0]
            pid = int(first_line)
        except (OSError, ValueError, IndexError):
            return None
        argv = process_cmdline(pid)
        if argv and any(Path(part).name in ("postgres", "postmaster") for part in argv[:1]):
            return pid
        return None

    def status(self) -> PgStatus:
        pid = self.running_pid()
        where = f"{LOOPBACK}:{self.port}, data {self.data_dir}"
        if pid is None:
            state = "not initialised" if not self.initialised() else "stopped"
            return PgStatus(False, None, self.bin.version, f"{state} ({where})")
        return PgStatus(True, pid, server_version(self.settings.pg_admin_dsn), where)

    # -- lifecycle ----------------------------------------------------------------------

    def check_port_free(self) -> None:
        if port_open(LOOPBACK, self.port):
            raise PrerequisiteError(
                f"port {self.port} is in use by another process, not this stack's PostgreSQL: "
                "stop it, set GOTONG_PG_PORT to a free port, or set GOTONG_PG_ADMIN_DSN "
                "to use that server"
            )

    def start(self, report: Report) -> None:
        if self.running_pid() is not None:
            report(f"postgresql: already running on {LOOPBACK}:{self.port}")
            self._ensure_databases(report)
            return
        self.check_port_free()
        self._prepare_dirs(report)
        self._initdb(report)
        self._write_conf()
        report(f"postgresql: starting {self.bin.version} on {LOOPBACK}:{self.port}")
        code, out = self._run_owner(
            [
                self.bin.tool("pg_ctl"),
                "-D", str(self.data_dir),
                "-l", str(self.log_file),
                "-w", "-t", "60",
                "start",
            ],
            timeout=90,
        )  # fmt: skip
        if code != 0 or self.running_pid() is None:
            raise StackError(
                f"PostgreSQL did not start (pg_ctl exit {code}).\n{out}\n"
                f"--- tail of {self.log_file} ---\n{file_tail(self.log_file)}"
            )
        self._ensure_databases(report)

    def stop(self, report: Report) -> None:
        if self.running_pid() is None:
            report("postgresql: not running")
            return
        code, out = self._run_owner(
            [self.bin.tool("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
            timeout=90,
        )
        if code != 0:
            raise StackError(f"pg_ctl stop failed (exit {code}):\n{out}")
        report("postgresql: stopped")

    def _initdb(self, report: Report) -> None:
        if self.initialised():
            made_by = (self.data_dir / "PG_VERSION").read_text().strip()
            if made_by != self.bin.version.split(".")[0]:
                raise PrerequisiteError(
                    f"{self.data_dir} was created by PostgreSQL {made_by} but the binaries are "
                    f"{self.bin.version}: delete {self.pg_dir} to recreate the cluster"
                )
            return
        if self.data_dir.exists():
            # A half-made cluster from an interrupted initdb: it holds no data worth keeping.
            shutil.rmtree(self.data_dir)
        report(f"postgresql: initdb {self.data_dir}")
        code, out = self._run_owner(
            [
                self.bin.tool("initdb"),
                "-D", str(self.data_dir),
                "--auth=trust", "-U", "postgres",
                "--encoding=UTF8", "--locale=C",
                "--no-instructions",
            ]
        )  # fmt: skip
        if code != 0:
            raise StackError(f"initdb failed (exit {code}):\n{out}")
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\n# Settings managed by gotong-stack\ninclude_if_exists = '{CONF_NAME}'\n")

    def _write_conf(self) -> None:
        # Rewritten on every start so a changed GOTONG_PG_PORT takes effect.
        conf = self.data_dir / CONF_NAME
        conf.write_text(
            "# Written by gotong-stack on every start: edit tools/devstack, not this file.\n"
            f"port = {self.port}\n"
            f"listen_addresses = '{LOOPBACK}'\n"
            f"unix_socket_directories = '{self.socket_dir}'\n"
            # Test suites open many pools at once (services x workers); the default 100 is
            # exhausted quickly.
            "max_connections = 300\n"
            "shared_buffers = 128MB\n"
        )
        if self.as_root:
            owner = self._owner()
            os.chown(conf, owner.pw_uid, owner.pw_gid)

    def _ensure_databases(self, report: Report) -> None:
        existing = set(psql(self.settings.pg_admin_dsn, "SELECT datname FROM pg_database"))
        for name in SERVICE_DATABASES:
            if name not in existing:
                psql(self.settings.pg_admin_dsn, f'CREATE DATABASE "{name}"')
                report(f"postgresql: created database {name}")


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def _make_traversable(directory: Path, owner: pwd.struct_passwd, report: Report) -> None:
    """Let the postgres user reach the data dir, e.g. a checkout under a 0700 home."""
    info = directory.stat()
    if info.st_uid == owner.pw_uid or info.st_mode & stat.S_IXOTH:
        return
    if info.st_gid == owner.pw_gid and info.st_mode & stat.S_IXGRP:
        return
    os.chmod(directory, info.st_mode | stat.S_IXOTH)
    report(f"postgresql: made {directory} traversable (o+x) for the postgres user")


def psql(dsn: str, sql: str) -> list[str]:
    """Run one statement through psql and return the rows (first column)."""
    client = find_client("psql")
    if client is None:
        raise PrerequisiteError(f"`psql` not found: {CLIENT_HINT}")
    result = run([client, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql])
    if result.returncode != 0:
        raise StackError(f"psql failed on {sql!r}:\n{output_tail(result)}")
    return [line for line in result.stdout.splitlines() if line]


def server_version(dsn: str) -> str | None:
    try:
        rows = psql(dsn, "SHOW server_version")
    except StackError:
        return None
    return rows[0].split()[0] if rows else None


def check_given_server(dsn: str) -> PgStatus:
    """GOTONG_PG_ADMIN_DSN is set: we only check that the server answers."""
    shown = redact(dsn)
    ready = find_client("pg_isready")
    if ready is None and find_client("psql") is None:
        raise PrerequisiteError(f"`pg_isready`/`psql` not found: {CLIENT_HINT}")
    if ready is not None:
        result = run([ready, "-d", dsn, "-t", "5"], timeout=15)
        if result.returncode != 0:
            return PgStatus(False, None, None, f"GOTONG_PG_ADMIN_DSN does not answer: {shown}")
    version = server_version(dsn)
    if version is None:
        return PgStatus(False, None, None, f"GOTONG_PG_ADMIN_DSN refuses queries: {shown}")
    return PgStatus(True, None, version, f"given server {shown}")


def redact(dsn: str) -> str:
    """Hide a password in a URL-style DSN before it reaches a terminal or CI log."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", dsn)
