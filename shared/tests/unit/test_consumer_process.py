"""Consumer processes run on uvloop with the garbage collector tuned."""

from __future__ import annotations

import asyncio
import gc

import pytest

from gotong_platform.consumer.process import run

pytestmark = pytest.mark.unit


def test_run_tunes_the_collector_and_runs_on_uvloop() -> None:
    before = gc.get_threshold()

    async def main() -> tuple[int, str]:
        return gc.get_threshold()[0], type(asyncio.get_running_loop()).__module__

    try:
        threshold, loop_module = run(main())
        assert threshold == 100_000
        assert loop_module.startswith("uvloop")
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
