"""The restore drill, short: `make drill` with a few members and commands, so that the
drill itself cannot rot. It runs PostgreSQL clusters of its own (ports 55472 and 55473, not
the stack's and not those of `make drill`); a missing server binary (pg_basebackup, ...)
fails the test, it is never skipped."""

from __future__ import annotations

import pytest

from gotong_devstack.settings import load_settings
from gotong_drill.drill import DrillOptions, run_drill

pytestmark = pytest.mark.e2e

PORT = 55472
MEMBERS = 3
COMMANDS = 24


async def test_a_backup_restored_to_a_point_in_time_is_the_service_at_that_time() -> None:
    """run_drill raises if anything differs: the events table byte for byte as at T, no
    event recorded after T, every read answering as at T, the restored service writable."""
    workdir = load_settings().stack_dir / f"drill-test-{PORT}"
    lines: list[str] = []
    figures = await run_drill(
        DrillOptions(workdir=workdir, port=PORT, members=MEMBERS, commands=COMMANDS),
        lines.append)
    # Setup: policy, pokok each, five wajib billings, a loan (apply, approve, disburse) for
    # every other member; then three phases of COMMANDS.
    loans = (MEMBERS + 1) // 2
    assert figures.commands == 1 + MEMBERS + 5 + 3 * loans + 3 * COMMANDS
    assert figures.events_before_backup < figures.events_at_target
    assert figures.events_after_target >= COMMANDS  # each command records at least one event
    assert figures.reads_compared == 2 + MEMBERS + loans
    assert figures.base_backup_bytes > 0
    assert figures.wal_segments >= 2  # the backup's own segment and the one after T
    assert any(line.startswith(f"restored to T on port {PORT + 1}") for line in lines)
    assert not workdir.exists()  # the drill removes its clusters
