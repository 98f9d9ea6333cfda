"""``make drill`` / ``python -m gotong_drill``: the restore drill (``gotong_drill.drill``).

    python -m gotong_drill [--port 55470] [--members 40] [--commands 1000] [--keep]

It needs the PostgreSQL server binaries the devstack uses (initdb, pg_ctl, pg_basebackup),
not the stack itself: its clusters are its own, on ``--port`` and the next port, under
``.stack/drill-<port>/``, removed at the end. Exit codes: 0 the restore is the service at T;
1 it is not, or a step failed; 2 a prerequisite is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from gotong_devstack.errors import StackError
from gotong_devstack.settings import load_settings
from gotong_drill.drill import DEFAULT_PORT, DrillFigures, DrillOptions, run_drill
from gotong_drill.workload import DrillError


def figures_text(figures: DrillFigures) -> str:
    mib = 2**20
    return "\n".join([
        "restore drill: the restored payments service is the service at T",
        f"  commands recorded            {figures.commands}",
        f"  base backup                  {figures.base_backup_bytes / mib:.1f} MiB "
        f"in {figures.base_backup_s:.1f} s (pg_basebackup, tar, WAL from the archive)",
        f"  WAL written                  {figures.wal_written_bytes / mib:.1f} MiB, "
        f"archived as {figures.wal_segments} segments ({figures.wal_bytes / mib:.0f} MiB)",
        f"  restore to T                 {figures.restore_s:.1f} s "
        "(unpack, replay the archive, promote)",
        f"  target T                     {figures.target.isoformat()}",
        f"  events when the backup began {figures.events_before_backup}, "
        f"{figures.events_during_backup} more recorded while it ran",
        f"  events at T, checked         {figures.events_at_target} "
        f"(byte for byte, sha256 {figures.events_dump_sha256}…)",
        f"  events after T, absent       {figures.events_after_target}",
        f"  reads identical              {figures.reads_compared}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gotong-drill", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="the origin cluster's port; the restored one takes the next")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--commands", type=int, default=1000,
                        help="commands per phase (before the backup, during it, after T)")
    parser.add_argument("--keep", action="store_true",
                        help="leave the clusters' directory (stopped) for inspection")
    args = parser.parse_args(argv)
    workdir = load_settings().stack_dir / f"drill-{args.port}"
    options = DrillOptions(workdir=workdir, port=args.port, members=args.members,
                           commands=args.commands, keep=args.keep)
    try:
        figures = asyncio.run(run_drill(options, lambda line: print(line, flush=True)))
    except StackError as error:
        print(f"drill failed: {error}", file=sys.stderr)
        return error.exit_code
    except DrillError as error:
        print(f"drill failed: {error}", file=sys.stderr)
        return 1
    print(figures_text(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
