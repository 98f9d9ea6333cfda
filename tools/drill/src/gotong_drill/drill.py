"""The restore drill: back up a running service database, lose it, restore it to a point in
time, and show that the service on the restored database is the service as it was then.

1. A PostgreSQL cluster of the drill's own (``clusters.py``) archives every WAL segment; the
   payments service (``workload.py``) records events on it through its API.
2. A base backup (``pg_basebackup``, in a thread) while the service keeps recording
   commands: the backup is only consistent with the WAL archived during it.
3. Then the target T, read on the server's clock, and what must hold at T: the
   events table (its rows as text, in log order) and every answer of the service's reads.
4. Events after T, which the restore must not bring back; a WAL switch archives the last
   segment; the origin is stopped (it is "lost").
5. A new cluster from the base backup and the archive, replayed to T and promoted, on
   another port; the service started on it.
6. The checks: the events table byte for byte as at T; none of the events recorded after T;
   every read answering byte for byte as at T; and the restored service taking a new
   command (it is a primary, not a read-only copy).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gotong_devstack.proc import Report
from gotong_drill.clusters import BaseBackup, Clusters
from gotong_drill.workload import (
    POLICY,
    DrillError,
    Ledger,
    Payments,
    digest,
    payments_on,
)

DATABASE = "gotong_payments"
DEFAULT_PORT = 55470  # the origin; the restored cluster takes the next port


@dataclass(frozen=True)
class DrillOptions:
    workdir: Path
    port: int = DEFAULT_PORT
    members: int = 40
    # Commands per phase: before the base backup, during it (and up to T), and after T.
    commands: int = 1000
    keep: bool = False  # leave the clusters' directory for inspection (stopped)


@dataclass(frozen=True)
class DrillFigures:
    commands: int
    base_backup_bytes: int
    base_backup_s: float
    wal_written_bytes: int
    wal_segments: int
    wal_bytes: int
    restore_s: float
    target: datetime
    events_before_backup: int
    events_during_backup: int
    events_at_target: int
    events_after_target: int
    events_dump_sha256: str
    reads_compared: int


def check_restored(expected_dump: bytes, restored_dump: bytes, after_target: set[str],
                   restored_ids: set[str], expected_reads: dict[str, bytes],
                   restored_reads: dict[str, bytes]) -> list[str]:
    """Every difference between the service at T and the restored one (empty: none)."""
    problems = []
    if restored_dump != expected_dump:
        expected_rows = expected_dump.splitlines()
        restored_rows = restored_dump.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(expected_rows, restored_rows,
                                                       strict=False)) if a != b),
                     min(len(expected_rows), len(restored_rows)))
        problems.append(f"the events table differs from the one at T: {len(restored_rows)} "
                        f"rows, {len(expected_rows)} expected, first difference at row "
                        f"{first + 1}")
    leaked = sorted(after_target & restored_ids)
    if leaked:
        problems.append(f"{len(leaked)} events recorded after T are back, e.g. {leaked[0]}")
    for path, answer in expected_reads.items():
        got = restored_reads.get(path)
        if got != answer:
            problems.append(f"GET {path} answers differently:\n  at T:     {answer!r}\n"
                            f"  restored: {got!r}")
    return problems


async def run_drill(options: DrillOptions, report: Report) -> DrillFigures:
    """The whole drill; its clusters are stopped and removed at the end, failed or not
    (``keep``: stopped and left)."""
    clusters = Clusters(options.workdir, options.port, report)
    jwt_key = secrets.token_urlsafe(48)
    try:
        clusters.prepare()
        clusters.start_origin()
        clusters.origin.create_database(DATABASE)
        report(f"origin: PostgreSQL {clusters.binaries.version} on port {options.port}, "
               f"archiving WAL to {clusters.archive}")
        ledger = Ledger()
        wal_start = clusters.wal_position()
        async with payments_on(clusters.origin.dsn(DATABASE), jwt_key) as service:
            await service.setup(options.members, ledger)
            await service.phase(options.commands, ledger, salt=1)
            before_backup = len(await service.event_ids())
            report(f"recorded {before_backup} events ({ledger.commands} commands); "
                   "base backup while the service records more")

            async def backup_and_count() -> tuple[BaseBackup, int]:
                backup = await asyncio.to_thread(clusters.base_backup)
                return backup, len(await service.event_ids())

            (backup, at_backup_end), _ = await asyncio.gather(
                backup_and_count(), service.phase(options.commands, ledger, salt=2))
            target = await service.server_now()
            expected_dump = await service.events_dump()
            expected_reads = await service.reads(ledger)
            at_target = await service.event_ids()
            report(f"T = {target.isoformat()}: {len(at_target)} events, "
                   f"{len(expected_reads)} reads kept as the expected answers")
            await _after_target(service, options.commands, ledger, target)
            after_target = {str(i) for i in (await service.event_ids())[len(at_target):]}
        wal_written = clusters.wal_position() - wal_start
        segment = clusters.switch_wal()
        clusters.wait_archived(segment)
        clusters.origin.stop(report)
        archived = clusters.archive_figures()
        report(f"{len(after_target)} events recorded after T; origin stopped; "
               f"{archived.segments} WAL segments archived")

        started = time.monotonic()
        restored = clusters.restore(target, options.port + 1)
        restore_s = time.monotonic() - started
        report(f"restored to T on port {options.port + 1} in {restore_s:.1f} s; "
               "the service started on it")
        async with payments_on(restored.dsn(DATABASE), jwt_key) as service:
            restored_dump = await service.events_dump()
            restored_ids = {str(i) for i in await service.event_ids()}
            restored_reads = await service.reads(ledger)
            problems = check_restored(expected_dump, restored_dump, after_target, restored_ids,
                                      expected_reads, restored_reads)
            if problems:
                raise DrillError("the restore is not the service at T:\n" + "\n".join(problems))
            # The restored database is a primary again: the service takes a new command.
            member = ledger.members[0]
            await service.command(f"/members/{member}/savings/wajib/deposits",
                                  {"amount_idr": POLICY["wajib_idr"], "channel": "cash"},
                                  service.clerk, Ledger())
        return DrillFigures(
            commands=ledger.commands, base_backup_bytes=backup.size_bytes,
            base_backup_s=backup.seconds, wal_written_bytes=wal_written,
            wal_segments=archived.segments,
            wal_bytes=archived.size_bytes, restore_s=restore_s, target=target,
            events_before_backup=before_backup,
            events_during_backup=at_backup_end - before_backup, events_at_target=len(at_target),
            events_after_target=len(after_target), events_dump_sha256=digest(expected_dump),
            reads_compared=len(expected_reads))
    finally:
        if options.keep:
            clusters.stop_all()
        else:
            clusters.remove()


async def _after_target(service: Payments, commands: int, ledger: Ledger,
                        target: datetime) -> None:
    """Events after T: first make sure the server's clock has moved past T, so that every
    one of them commits after it (recovery stops at the first commit later than T)."""
    while await service.server_now() <= target:
        pass
    await service.phase(commands, ledger, salt=3)
