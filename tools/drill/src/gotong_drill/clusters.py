"""The drill's own PostgreSQL clusters: one that archives its WAL, and one restored from a
base backup and that archive to a point in time.

They are the devstack's local cluster (``gotong_devstack.postgres.LocalCluster``: the same
binaries, run as the ``postgres`` OS user when we are root) with settings of their own, in a
directory of the drill, on ports of the drill: never the stack's cluster. What CloudNativePG
and barman-cloud do on Kubernetes is done here with PostgreSQL's own means: an
``archive_command`` that copies each completed WAL segment into the archive, ``pg_basebackup``
(tar, no WAL: the archive has it, as the object store has it for CloudNativePG), and a restore
that unpacks the backup and replays the archive with a ``restore_command`` up to
``recovery_target_time``, then promotes.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import shlex
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gotong_devstack.errors import StackError
from gotong_devstack.postgres import Binaries, LocalCluster, find_binaries, psql
from gotong_devstack.proc import Report, file_tail
from gotong_devstack.settings import LOOPBACK, load_settings

BASE_BACKUP = "base.tar"
PROMOTE_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class BaseBackup:
    path: Path  # the tar file
    size_bytes: int
    seconds: float


@dataclass(frozen=True)
class ArchiveFigures:
    segments: int
    size_bytes: int


class DrillCluster(LocalCluster):
    """A cluster under ``root`` on ``port``; ``conf`` is added to what the devstack writes.
    It holds only the databases the drill creates (the stack's five are not made)."""

    def __init__(self, root: Path, port: int, conf: str, binaries: Binaries) -> None:
        settings = dataclasses.replace(load_settings(), stack_root=root, pg_port=port,
                                       pg_admin_dsn_given=None)
        super().__init__(settings, binaries)
        self.conf = conf

    @property
    def admin_dsn(self) -> str:
        return self.settings.pg_admin_dsn

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@{LOOPBACK}:{self.port}/{database}"

    def _write_conf(self) -> None:
        super()._write_conf()
        path = self.data_dir / "gotong.conf"
        with path.open("a") as conf:
            conf.write("# The restore drill's settings (gotong_drill.clusters)\n" + self.conf)

    def _ensure_databases(self, report: Report) -> None:
        """Nothing: the drill creates its one database itself."""

    def create_database(self, name: str) -> None:
        psql(self.admin_dsn, f'CREATE DATABASE "{name}"')

    def log_tail(self) -> str:
        return file_tail(self.log_file)


def archiving_conf(archive: Path) -> str:
    """Every completed WAL segment copied into ``archive``, never over one already there
    (what barman-cloud-wal-archive does for CloudNativePG, into the object store)."""
    target = shlex.quote(str(archive))
    command = f"test ! -f {target}/%f && cp %p {target}/%f"
    return ("wal_level = replica\n"
            "archive_mode = on\n"
            f"archive_command = '{command}'\n"
            # Room for pg_basebackup's replication connection.
            "max_wal_senders = 4\n")


def recovery_conf(archive: Path, target: datetime) -> str:
    """Replay ``archive`` up to ``target`` (inclusive: a commit at exactly ``target`` is
    kept), then promote: the restored cluster is a primary of its own, on a new timeline."""
    source = shlex.quote(str(archive))
    return ("archive_mode = off\n"
            f"restore_command = 'cp {source}/%f %p'\n"
            f"recovery_target_time = '{target.isoformat()}'\n"
            "recovery_target_inclusive = on\n"
            "recovery_target_action = 'promote'\n")


class Clusters:
    """The drill's directory: the archive, the origin cluster, the base backup and the
    restored cluster, owned by the ``postgres`` user when we are root."""

    def __init__(self, root: Path, port: int, report: Report) -> None:
        self.root = root
        self.port = port
        self.report = report
        self.binaries = find_binaries()
        for tool in ("pg_basebackup",):
            if not os.access(self.binaries.tool(tool), os.X_OK):
                raise StackError(f"{tool} not found next to pg_ctl in {self.binaries.bindir}")
        self.archive = root / "archive"
        self.backup_dir = root / "backup"
        self.origin = DrillCluster(root / "origin", port, archiving_conf(self.archive),
                                   self.binaries)
        self.restored: DrillCluster | None = None

    def prepare(self) -> None:
        """The drill's directory, empty: a previous drill's leftovers are removed first."""
        self.remove()
        for directory in (self.root, self.archive, self.backup_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self._own(self.root, self.archive, self.backup_dir)

    def start_origin(self) -> None:
        self.origin.start(self.report)

    def base_backup(self) -> BaseBackup:
        """``pg_basebackup`` of the running origin as a tar, without WAL: the server waits
        until the WAL the backup needs has been archived, as a backup to an object store
        does."""
        started = time.monotonic()
        code, out = self.origin._run_owner([
            self.binaries.tool("pg_basebackup"), "-d", self.origin.admin_dsn,
            "-D", str(self.backup_dir), "--format=tar", "--wal-method=none",
            "--checkpoint=fast", "--no-sync", "--label=gotong-drill",
        ], timeout=600)
        seconds = time.monotonic() - started
        path = self.backup_dir / BASE_BACKUP
        if code != 0 or not path.is_file():
            raise StackError(f"pg_basebackup failed (exit {code}):\n{out}")
        return BaseBackup(path, path.stat().st_size, seconds)

    def wal_position(self) -> int:
        """The origin's current WAL position, in bytes since the start of WAL."""
        (lsn,) = psql(self.origin.dsn("postgres"),
                      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
        return int(lsn)

    def switch_wal(self) -> str:
        """Close the current WAL segment (it is archived next) and return its file name."""
        (segment,) = psql(self.origin.dsn("postgres"),
                          "SELECT pg_walfile_name(pg_switch_wal())")
        return segment

    def wait_archived(self, segment: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not (self.archive / segment).is_file():
            if time.monotonic() > deadline:
                raise StackError(f"WAL segment {segment} was not archived in {timeout_s:.0f} s:\n"
                                 f"{self.origin.log_tail()}")
            time.sleep(0.1)

    def archive_figures(self) -> ArchiveFigures:
        files = [p for p in self.archive.iterdir() if p.is_file()]
        return ArchiveFigures(len(files), sum(p.stat().st_size for p in files))

    def restore(self, target: datetime, port: int) -> DrillCluster:
        """A new cluster on ``port`` from the base backup and the archive, recovered up to
        ``target`` and promoted; returns once it accepts writes."""
        cluster = DrillCluster(self.root / "restored", port,
                               recovery_conf(self.archive, target), self.binaries)
        self.restored = cluster
        cluster.pg_dir.mkdir(parents=True, exist_ok=True)
        self._own(cluster.pg_dir)
        code, out = cluster._run_owner(["mkdir", "-m", "0700", str(cluster.data_dir)])
        if code == 0:
            code, out = cluster._run_owner(
                ["tar", "-xf", str(self.backup_dir / BASE_BACKUP), "-C", str(cluster.data_dir)],
                timeout=600)
        if code != 0:
            raise StackError(f"unpacking the base backup failed (exit {code}):\n{out}")
        # recovery.signal: start in targeted recovery, reading WAL through restore_command.
        code, out = cluster._run_owner(["touch", str(cluster.data_dir / "recovery.signal")])
        if code != 0:
            raise StackError(f"cannot write recovery.signal:\n{out}")
        cluster.start(self.report)
        self._wait_promoted(cluster)
        return cluster

    def _wait_promoted(self, cluster: DrillCluster) -> None:
        deadline = time.monotonic() + PROMOTE_TIMEOUT_S
        while True:
            try:
                (in_recovery,) = psql(cluster.dsn("postgres"), "SELECT pg_is_in_recovery()")
            except StackError:
                in_recovery = "t"
                if cluster.running_pid() is None:
                    raise StackError("the restored cluster stopped during recovery:\n"
                                     f"{cluster.log_tail()}") from None
            if in_recovery == "f":
                return
            if time.monotonic() > deadline:
                raise StackError(f"the restored cluster was not promoted in "
                                 f"{PROMOTE_TIMEOUT_S:.0f} s:\n{cluster.log_tail()}")
            time.sleep(0.1)

    def stop_all(self) -> None:
        for cluster in (self.origin, self.restored):
            if cluster is not None and cluster.running_pid() is not None:
                cluster.stop(self.report)

    def remove(self) -> None:
        """Stop what runs and delete the drill's directory."""
        self.stop_all()
        if self.root.exists():
            shutil.rmtree(self.root)

    def _own(self, *paths: Path) -> None:
        """As root: the postgres user owns the drill's directories (it archives and
        restores into them; starting the origin makes their parents reachable)."""
        if os.geteuid() != 0:
            return
        owner = pwd.getpwnam("postgres")
        for path in paths:
            os.chown(path, owner.pw_uid, owner.pw_gid)
